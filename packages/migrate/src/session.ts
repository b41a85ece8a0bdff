import { declaresTransactionPooler, scrubSecrets } from '@kusto/db';
import { MigrationDatabaseError, LockTimeoutError, MigrationError, TransactionPoolerError } from './errors.js';
import { DatabaseStatementError, type MigrationConnection } from './migration-connection.js';
import type { MigratorConfig } from './options.js';

/** Any error met during a run, as the {@link MigrationError} a result carries (password removed). */
export function toMigrationError(config: MigratorConfig, error: unknown): MigrationError {
  if (error instanceof MigrationError) return error;
  if (error instanceof DatabaseStatementError) {
    return new MigrationDatabaseError(config.database, error.databaseCode, error.message, { cause: error });
  }
  const message = scrubSecrets(error instanceof Error ? error.message : String(error), config.url);
  return new MigrationDatabaseError(config.database, undefined, message, { cause: error });
}

/** A refusal raised inside a run to leave before changing anything; carries the error to report. */
export class Refusal<E extends MigrationError = MigrationError> extends Error {
  constructor(readonly error: E) {
    super(error.message);
  }
}

/** How a run that threw ended: `refused` with the refusal's error, else `failed` with the error as a {@link MigrationError}. */
export function refusedOrFailed(config: MigratorConfig, caught: unknown): { outcome: 'refused' | 'failed'; error: MigrationError } {
  return caught instanceof Refusal ? { outcome: 'refused', error: (caught as Refusal).error } : { outcome: 'failed', error: toMigrationError(config, caught) };
}

/** Opens a connection, runs `work`, and always closes it. */
export async function withConnection<T>(
  config: MigratorConfig,
  work: (connection: MigrationConnection) => Promise<T>,
  options: { readonly readOnly?: boolean } = {},
): Promise<T> {
  const connection = await config.connect({
    database: config.database,
    url: config.url,
    connectTimeoutMs: config.connectTimeoutMs,
    baseDir: config.baseDir,
    driverDirs: config.driverDirs,
    readOnly: options.readOnly === true,
  });
  try {
    return await work(connection);
  } finally {
    await connection.close();
  }
}

/** How long taking the migration lock may take before the logger hears that the run is waiting for it. */
export const LOCK_WAIT_NOTICE_MS = 500;

/**
 * Runs `work` holding the database's migration lock (waiting up to `lockTimeoutMs`), and always
 * releases it. Throws {@link LockTimeoutError} when the wait runs out, and
 * {@link TransactionPoolerError} before waiting when the URL declares a transaction pooler
 * (`pgbouncer=true`), where a session lock would not hold.
 */
export async function withMigrationLock<T>(
  config: MigratorConfig,
  connection: MigrationConnection,
  work: () => Promise<T>,
): Promise<T> {
  if (declaresTransactionPooler(config.url)) throw new TransactionPoolerError(config.database);
  const waitStarted = config.monotonic();
  // Said only when the lock is not free at once (another run holds it), not on every run.
  const notice = setTimeout(() => config.logger.info(`${config.database}: waiting for the migration lock (another run holds it)`), LOCK_WAIT_NOTICE_MS);
  let acquired: boolean;
  try {
    acquired = await connection.acquireLock(config.lockTimeoutMs);
  } finally {
    clearTimeout(notice);
  }
  if (!acquired) {
    throw new LockTimeoutError(config.database, Math.round(config.monotonic() - waitStarted));
  }
  try {
    return await work();
  } finally {
    // A dead connection releases its session lock by itself; nothing more to do then.
    await connection.releaseLock().catch(() => undefined);
  }
}
