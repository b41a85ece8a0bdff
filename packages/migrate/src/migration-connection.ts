import type { SqlDialect, SqlStatement } from './split-statements.js';

/**
 * One row of Prisma's `_prisma_migrations` table. Meaning of each column (prisma/prisma-engines
 * `schema-engine/connectors/schema-connector/src/migration_persistence.rs`, `MigrationRecord`):
 * `finished_at` is set only when the migration completed successfully; `logs` holds the error of a
 * failed migration; `rolled_back_at` is set by `prisma migrate resolve --rolled-back`;
 * `applied_steps_count` counts the steps applied (one script = one step).
 */
export interface MigrationRow {
  readonly id: string;
  readonly checksum: string;
  readonly finishedAt: Date | null;
  readonly migrationName: string;
  readonly logs: string | null;
  readonly rolledBackAt: Date | null;
  readonly startedAt: Date;
  readonly appliedStepsCount: number;
}

/**
 * What our own history table keeps about a rollback: one that finished (`rolledBack`), or one whose
 * `down.sql` failed after some of its statements took effect (`failedHalfway`: outside a
 * transaction, as on MySQL, those statements stay), so status can show it and a rerun can resume.
 */
export interface RollbackHistoryEntry {
  readonly id: string;
  readonly migrationName: string;
  /** `rolledBack`: the rows left `_prisma_migrations`; `failedHalfway`: the migration is still recorded applied. */
  readonly outcome: 'rolledBack' | 'failedHalfway';
  /** Checksum of `migration.sql` as recorded in `_prisma_migrations` when it was applied. */
  readonly checksum: string;
  /** Checksum of the `down.sql` that ran. */
  readonly downChecksum: string;
  readonly appliedAt: Date | null;
  readonly rolledBackAt: Date;
  readonly durationMs: number;
  /** The `_prisma_migrations` rows removed, as JSON, so the history can be audited or restored (none when it failed). */
  readonly removedRows: readonly MigrationRow[];
  /** `failedHalfway`: the statements of `down.sql` that took effect, over every attempt, in order. Empty otherwise. */
  readonly statementsDone: readonly string[];
  /** `failedHalfway`: the error, as `logs` holds it for a failed migration. `null` otherwise. */
  readonly logs: string | null;
}

/** A database error with the statement's own code and message (secrets already removed). */
export class DatabaseStatementError extends Error {
  constructor(
    readonly databaseCode: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DatabaseStatementError';
  }
}

/**
 * A connection the runner drives: Prisma's bookkeeping, a lock, transactions and plain
 * statements. One implementation per provider (Postgres today); deploy, rollback and status are
 * written against this interface only.
 */
export interface MigrationConnection {
  readonly provider: string;
  /** How scripts are split into statements on this provider. */
  readonly dialect: SqlDialect;
  /** Whether DDL rolls back with its transaction on this provider. */
  readonly transactionalDdl: boolean;
  /** Why `statement` cannot run inside a transaction on this server, or `undefined` when it can. */
  nonTransactionalReason(statement: SqlStatement): string | undefined;
  /** Whether a statement is itself transaction control (`BEGIN`, `COMMIT`, …). */
  isTransactionControl(statement: SqlStatement): boolean;

  /** Waits for the database-wide migration lock; `false` when `timeoutMs` passed first (0 = wait forever). */
  acquireLock(timeoutMs: number): Promise<boolean>;
  releaseLock(): Promise<void>;

  /**
   * Opens the transaction a script runs in; `statements` are that script's, for a dialect that must
   * prepare around them (SQLite turns foreign keys off before `BEGIN` when the script asks for it).
   */
  begin(statements?: readonly SqlStatement[]): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** Runs one statement; a database error becomes a {@link DatabaseStatementError}. */
  execute(sql: string): Promise<void>;

  hasMigrationsTable(): Promise<boolean>;
  /** Creates `_prisma_migrations` with Prisma's own DDL when it is missing. */
  ensureMigrationsTable(): Promise<void>;
  /** Every row, ordered by `started_at` as Prisma reads them. */
  listMigrationRows(): Promise<MigrationRow[]>;
  recordMigrationStarted(row: { id: string; migrationName: string; checksum: string; startedAt: Date }): Promise<void>;
  recordMigrationFinished(id: string, finishedAt: Date): Promise<void>;
  recordMigrationFailed(id: string, logs: string): Promise<void>;
  /**
   * Inserts a finished row without running anything, as `prisma migrate resolve --applied` does
   * (`mark_migration_applied_impl`: logs '', started_at = finished_at = now, applied_steps_count 0).
   */
  recordMigrationApplied(row: { id: string; migrationName: string; checksum: string; at: Date }): Promise<void>;
  /** Sets `rolled_back_at` on the failed (unfinished, not yet rolled back) rows of a migration; returns how many. */
  markFailedRolledBack(migrationName: string, at: Date): Promise<number>;
  /** Deletes every `_prisma_migrations` row of a migration and returns them. */
  deleteMigrationRows(migrationName: string): Promise<MigrationRow[]>;

  /** Creates our history table when missing, and adds the columns later versions use to an older one. */
  ensureHistoryTable(): Promise<void>;
  insertHistory(entry: RollbackHistoryEntry): Promise<void>;
  /** Rollback history, oldest first; empty when the table does not exist. */
  listHistory(): Promise<RollbackHistoryEntry[]>;

  /**
   * Asks the server to stop the statement this connection is running (Postgres `pg_cancel_backend`
   * through a cancel request, MySQL `KILL QUERY` from a second connection, SQLite: not possible
   * mid-statement, the process exits). Resolves whether or not a statement was running.
   */
  cancel(): Promise<void>;

  close(): Promise<void>;
}

/** What a dialect's connect function receives. */
export interface ConnectOptions {
  /** Name used in error messages. */
  readonly database: string;
  readonly url: string;
  readonly connectTimeoutMs: number;
  /** Base folder of relative SQLite file paths (Prisma's rule: the database folder). Default `process.cwd()`. */
  readonly baseDir?: string | undefined;
  /** Read-only work (status): SQLite then neither creates the file nor writes to it. Default `false`. */
  readonly readOnly?: boolean | undefined;
  /** Folders the driver package is also looked for from, after `baseDir` and before `@kusto/migrate`'s own (see {@link MigratorOptions.driverDirs}). Default none. */
  readonly driverDirs?: readonly string[] | undefined;
}
