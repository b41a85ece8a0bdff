// Server connections as the server sees them: an admin connection reads pg_stat_activity (client
// backends of one database) every few ms until stopped, reconnecting when the server went away.
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { countConnections } from './setup.mjs';
import { sleep } from './stats.mjs';

/** Samples `{ at: performance.now(), n }` every `everyMs`; `stop()` resolves with `{ samples, failures }`. */
export function startConnectionSampler(adminUrl, database, { everyMs = 20 } = {}) {
  const samples = [];
  let running = true;
  let failures = 0;
  const loop = (async () => {
    let admin;
    while (running) {
      try {
        if (!admin) {
          admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 500 });
          admin.on('error', () => {});
          await admin.connect();
        }
        samples.push({ at: performance.now(), n: await countConnections(admin, database) });
      } catch {
        failures++;
        await admin?.end().catch(() => {});
        admin = undefined;
      }
      await sleep(everyMs);
    }
    await admin?.end().catch(() => {});
  })();
  return {
    samples,
    async stop() {
      running = false;
      await loop;
      return { samples, failures };
    },
  };
}

/**
 * The same sampler in a child process (lib/sampler-child.mjs), for benchmarks whose load keeps
 * this process's event loop busy. Resolves once the first sample is taken; `stop()` resolves with
 * `{ samples, failures }` (the same on every call), sample times in epoch ms (`performance.timeOrigin + performance.now()`).
 */
export function forkConnectionSampler(adminUrl, database, { everyMs = 10 } = {}) {
  const child = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), 'sampler-child.mjs'), [JSON.stringify({ adminUrl, database, everyMs })], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('connection sampler did not start within 15 s'));
    }, 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`connection sampler exited with ${code} before it was ready`));
    });
    child.once('message', () => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      let stopping;
      resolve({
        /** Idempotent: a second call gets the same samples. */
        stop: () =>
          (stopping ??= new Promise((done, fail) => {
            const kill = setTimeout(() => {
              child.kill('SIGKILL');
              fail(new Error('connection sampler did not answer stop within 5 s'));
            }, 5_000);
            child.once('message', ({ samples, failures }) => {
              clearTimeout(kill);
              done({ samples, failures });
            });
            child.send({ type: 'stop' });
          })),
      });
    });
  });
}
