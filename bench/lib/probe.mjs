// Watches when Postgres accepts connections again: a fresh pg connection every few ms.
import pg from 'pg';
import { sleep } from './stats.mjs';

/** Resolves with the time (performance.now()) of the first successful connection, or undefined at `maxMs`. */
export function waitAccepting(url, { everyMs = 5, maxMs = 30_000 } = {}) {
  const deadline = performance.now() + maxMs;
  let stopped = false;
  const promise = (async () => {
    while (!stopped && performance.now() < deadline) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 500 });
      client.on('error', () => {});
      try {
        await client.connect();
        const at = performance.now();
        await client.end().catch(() => {});
        return at;
      } catch {
        await client.end().catch(() => {});
        await sleep(everyMs);
      }
    }
    return undefined;
  })();
  return { promise, stop: () => (stopped = true) };
}
