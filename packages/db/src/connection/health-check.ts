import type { PrismaClientLike } from './prisma-client.js';

/**
 * What a health check was waiting for when its bound ran out: the health query's answer, the new
 * client's `$connect()` (Prisma's query compiler loading, no network I/O), or the whole check as a
 * caller of `healthCheck({ timeoutMs })` bounds it.
 */
export type HealthCheckStage = 'query' | 'connect' | 'check';

function timeoutMessage(stage: HealthCheckStage, timeoutMs: number, sql: string): string {
  if (stage === 'connect') return `the new client's $connect() (loading Prisma's query compiler) did not finish within ${timeoutMs} ms`;
  if (stage === 'check') return `the health check did not finish within ${timeoutMs} ms (healthCheck timeoutMs)`;
  return `no answer to ${sql} within ${timeoutMs} ms`;
}

/** A health check that got no answer within its bound; `stage` says what timed out. */
export class HealthCheckTimeoutError extends Error {
  override readonly name = 'HealthCheckTimeoutError';

  constructor(
    readonly timeoutMs: number,
    readonly stage: HealthCheckStage = 'query',
    sql = 'SELECT 1',
  ) {
    super(timeoutMessage(stage, timeoutMs, sql));
  }
}

/**
 * How much later than the check's own bound (`checkTimeoutMs`) the bound of `healthCheck()` fires
 * at the earliest, so the check's own timeout, which names what timed out, always wins the race.
 */
export const HEALTH_CHECK_BOUND_MARGIN_MS = 250;

/**
 * The bound of one database in `healthCheck()`: the caller's `timeoutMs` (default `checkTimeoutMs`
 * + 1 s), never earlier than `checkTimeoutMs` + {@link HEALTH_CHECK_BOUND_MARGIN_MS}.
 */
export function healthCheckBound(checkTimeoutMs: number, requestedMs: number | undefined): number {
  return Math.max(requestedMs ?? checkTimeoutMs + 1_000, checkTimeoutMs + HEALTH_CHECK_BOUND_MARGIN_MS);
}

/** `check`, bounded as `healthCheck()` bounds it; its timeout is a {@link HealthCheckTimeoutError} (a `timeout` failure). */
export function boundedCheck<T>(check: Promise<T>, boundMs: number): Promise<T> {
  return bounded(check, boundMs, () => new HealthCheckTimeoutError(boundMs, 'check'));
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

/** Initialises a new client (`$connect`), bounded by `timeoutMs` (default {@link CLIENT_INIT_TIMEOUT_MS}). */
export function initialiseClient(client: Pick<PrismaClientLike, '$connect'>, timeoutMs = CLIENT_INIT_TIMEOUT_MS): Promise<void> {
  return bounded(client.$connect(), timeoutMs, () => new HealthCheckTimeoutError(timeoutMs, 'connect'));
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
  const rows = await bounded(client.$queryRawUnsafe<Record<string, unknown>[]>(query.sql), timeoutMs, () => new HealthCheckTimeoutError(timeoutMs, 'query', query.sql));
  if (query.readOnly?.(rows)) throw new ReadOnlyServerError(query.readOnlyDetail ?? 'read-only');
  return now() - started;
}
