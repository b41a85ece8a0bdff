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

/** A server that answered but accepts only reads, found by the health check of a primary. */
export class ReadOnlyServerError extends Error {
  override readonly name = 'ReadOnlyServerError';

  constructor(readonly detail: string) {
    super(
      `the server accepts only reads (${detail}): a failover may have left this primary read-only. ` +
        'New connections are opened until one reaches a writer again.',
    );
  }
}

/**
 * What a health check runs: `SELECT 1`, or a provider's own statement (SQLite reads its schema
 * page), and for a primary how its rows tell a read-only server.
 */
export interface HealthQuery {
  readonly sql: string;
  /** Whether the rows say the server accepts only reads. Default: never (replicas, other providers). */
  readonly readOnly?: (rows: readonly Record<string, unknown>[]) => boolean;
  /** What the rows said, in a read-only failure's message. */
  readonly readOnlyDetail?: string;
}

/** The check of a replica, or of a provider without a read-only probe. */
export const SELECT_ONE: HealthQuery = { sql: 'SELECT 1' };

/**
 * Runs the health query (`SELECT 1`, or a primary's read-only probe) through the client, bounded
 * by `timeoutMs`. Resolves with the latency; rejects with {@link ReadOnlyServerError} when the
 * query says the server accepts only reads.
 */
export async function runHealthCheck(client: PrismaClientLike, timeoutMs: number, now: () => number, query: HealthQuery = SELECT_ONE): Promise<number> {
  const started = now();
  const rows = await bounded(client.$queryRawUnsafe<Record<string, unknown>[]>(query.sql), timeoutMs, () => new HealthCheckTimeoutError(timeoutMs));
  if (query.readOnly?.(rows)) throw new ReadOnlyServerError(query.readOnlyDetail ?? 'read-only');
  return now() - started;
}
