// Watches when a stopped server accepts sessions again: a fresh attempt every few ms.
import pg from 'pg';
import { sleep } from './stats.mjs';

/**
 * Runs `attempt` (resolves with the time, performance.now(), at which it got through; rejects while
 * the server is down) every `everyMs` until one succeeds. `promise` resolves with that time, or
 * undefined at `maxMs` or after `stop()`.
 */
export function waitUntilAccepted(attempt, { everyMs = 5, maxMs = 30_000 } = {}) {
  const deadline = performance.now() + maxMs;
  let stopped = false;
  const promise = (async () => {
    while (!stopped && performance.now() < deadline) {
      try {
        return await attempt();
      } catch {
        await sleep(everyMs);
      }
    }
    return undefined;
  })();
  return { promise, stop: () => (stopped = true) };
}

/** Postgres: the first fresh pg connection that completes its login (the time right after it). */
export function waitAccepting(url, options) {
  return waitUntilAccepted(async () => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 500 });
    client.on('error', () => {});
    try {
      await client.connect();
      return performance.now();
    } finally {
      await client.end().catch(() => {});
    }
  }, options);
}
