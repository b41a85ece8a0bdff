import type { PrismaClientLike } from './prisma-client.js';

/** A health check that got no answer within its bound. */
export class HealthCheckTimeoutError extends Error {
  override readonly name = 'HealthCheckTimeoutError';

  constructor(readonly timeoutMs: number) {
    super(`no answer to SELECT 1 within ${timeoutMs} ms`);
  }
}

/**
 * Bound on `$connect()` of a new client. With driver adapters it does no network I/O: it loads
 * Prisma's query compiler (WASM), which takes ~50–200 ms and much longer on a starved CPU (a cold
 * Lambda), so it gets its own generous bound instead of eating the health check's.
 */
export const CLIENT_INIT_TIMEOUT_MS = 30_000;

/** `work`, or a rejection with `onTimeout()` once `timeoutMs` passed; the timer is always cleared. */
export async function bounded<T>(work: Promise<T>, timeoutMs: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    // Unref'd: a bound must never be what keeps a process alive.
    timer = setTimeout(() => reject(onTimeout()), timeoutMs).unref();
  });
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Initialises a new client (`$connect`), bounded by {@link CLIENT_INIT_TIMEOUT_MS}. */
export function initialiseClient(client: PrismaClientLike): Promise<void> {
  return bounded(client.$connect(), CLIENT_INIT_TIMEOUT_MS, () => new HealthCheckTimeoutError(CLIENT_INIT_TIMEOUT_MS));
}

/** What a health check runs: `SELECT 1`, or a provider's own statement (SQLite reads its schema page). */
export interface HealthQuery {
  readonly sql: string;
}

export const SELECT_ONE: HealthQuery = { sql: 'SELECT 1' };

/** Runs the health query through the client, bounded by `timeoutMs`. Resolves with the latency. */
export async function runHealthCheck(client: PrismaClientLike, timeoutMs: number, now: () => number, query: HealthQuery = SELECT_ONE): Promise<number> {
  const started = now();
  await bounded(client.$queryRawUnsafe(query.sql), timeoutMs, () => new HealthCheckTimeoutError(timeoutMs));
  return now() - started;
}
