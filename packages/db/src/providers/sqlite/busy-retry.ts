import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';

/**
 * How long one statement may wait inside better-sqlite3 for another connection's lock (its
 * `timeout`, SQLite's busy timeout). better-sqlite3 is synchronous: this wait blocks the event
 * loop, so it is kept short and the rest of the wait happens between attempts, without blocking.
 */
export const SQLITE_BUSY_SLICE_MS = 20;

/** First pause between two attempts of a statement that found the database locked; doubled each time. */
export const SQLITE_BUSY_FIRST_DELAY_MS = 5;

/** Longest pause between two attempts. */
export const SQLITE_BUSY_MAX_DELAY_MS = 50;

export interface BusyRetryOptions {
  /** How long a statement may wait in all for a lock before its SQLITE_BUSY is final (then a `timeout`-class failure). */
  readonly boundMs: number;
  /** Default `Date.now`. */
  readonly now?: () => number;
  /** Default: a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Whether `error` is the adapter's SQLITE_BUSY (it maps every BUSY to `SocketTimeout`, keeping
 * better-sqlite3's code as `originalCode`) that asking again can cure. Not SQLITE_BUSY_SNAPSHOT: a
 * WAL transaction whose snapshot is stale stays so until it ends, however often the statement runs.
 */
function isRetryableBusy(error: unknown): boolean {
  const cause = (error as { cause?: { kind?: unknown; originalCode?: unknown } } | null)?.cause;
  if (cause?.kind !== 'SocketTimeout') return false;
  return typeof cause.originalCode !== 'string' || (cause.originalCode.startsWith('SQLITE_BUSY') && cause.originalCode !== 'SQLITE_BUSY_SNAPSHOT');
}

const timerSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` again, after a pause that does not block the event loop, while it fails with a
 * retryable SQLITE_BUSY and `boundMs` has not passed; then its last error stands. A statement
 * that failed with SQLITE_BUSY had no effect (SQLite statements are atomic), so running it again is
 * what SQLite's own busy handler does, inside a transaction too (a COMMIT that got SQLITE_BUSY
 * leaves the transaction open, to be committed again).
 */
async function whileBusy<T>(attempt: () => Promise<T>, options: BusyRetryOptions): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? timerSleep;
  const deadline = now() + options.boundMs;
  for (let delay = SQLITE_BUSY_FIRST_DELAY_MS; ; delay = Math.min(delay * 2, SQLITE_BUSY_MAX_DELAY_MS)) {
    try {
      return await attempt();
    } catch (error) {
      const left = deadline - now();
      if (!isRetryableBusy(error) || left <= 0) throw error;
      await sleep(Math.min(delay, left));
    }
  }
}

function retryingQueries<Q extends SqlDriverAdapter | Transaction>(target: Q, options: BusyRetryOptions) {
  return {
    provider: target.provider,
    adapterName: target.adapterName,
    queryRaw: (query: SqlQuery) => whileBusy(() => target.queryRaw(query), options),
    executeRaw: (query: SqlQuery) => whileBusy(() => target.executeRaw(query), options),
  };
}

function retryingTransaction(transaction: Transaction, options: BusyRetryOptions): Transaction {
  return {
    ...retryingQueries(transaction, options),
    options: transaction.options,
    commit: () => transaction.commit(),
    rollback: () => transaction.rollback(),
    ...(transaction.createSavepoint ? { createSavepoint: (name: string) => whileBusy(() => transaction.createSavepoint!(name), options) } : {}),
    ...(transaction.rollbackToSavepoint ? { rollbackToSavepoint: (name: string) => whileBusy(() => transaction.rollbackToSavepoint!(name), options) } : {}),
    ...(transaction.releaseSavepoint ? { releaseSavepoint: (name: string) => whileBusy(() => transaction.releaseSavepoint!(name), options) } : {}),
  };
}

function retryingAdapter(adapter: SqlDriverAdapter, options: BusyRetryOptions): SqlDriverAdapter {
  return {
    ...retryingQueries(adapter, options),
    // A script is several statements: one that got SQLITE_BUSY halfway leaves the earlier ones
    // done, so the script is not run again (Prisma uses scripts for migrations, not queries).
    executeScript: (script) => adapter.executeScript(script),
    // BEGIN is deferred (takes no lock); the statements inside are retried like any other.
    startTransaction: async (isolationLevel) => retryingTransaction(await adapter.startTransaction(isolationLevel), options),
    ...(adapter.getConnectionInfo ? { getConnectionInfo: () => adapter.getConnectionInfo!() } : {}),
    dispose: () => adapter.dispose(),
  };
}

/**
 * The factory's adapters wait for another connection's lock without blocking the event loop: the
 * driver's own busy wait is kept to {@link SQLITE_BUSY_SLICE_MS} (the factory must be built with
 * that `timeout`), and a statement that still finds the database locked runs again after an
 * asynchronous pause, until `boundMs` has passed.
 */
export function retryWhileBusy<F extends SqlDriverAdapterFactory & { connectToShadowDb?(): Promise<SqlDriverAdapter> }>(
  factory: F,
  options: BusyRetryOptions,
): SqlDriverAdapterFactory {
  const shadow = factory.connectToShadowDb?.bind(factory);
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => retryingAdapter(await factory.connect(), options),
    ...(shadow ? { connectToShadowDb: async () => retryingAdapter(await shadow(), options) } : {}),
  };
}
