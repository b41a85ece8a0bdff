import { POOLER_URL_PARAMETER, scrubSecrets } from '@kusto/db';
import type pg from 'pg';

type PgModule = typeof pg;
import {
  HISTORY_DETAILS_COLUMN,
  HISTORY_INSERT_COLUMNS,
  PRISMA_MIGRATIONS_TABLE,
  ROLLBACK_HISTORY_TABLE,
  historyInsertValues,
  toHistoryEntry,
  type RawHistoryRow,
} from '../../bookkeeping.js';
import { DRIVER_PACKAGES, loadDriver } from '../../drivers.js';
import { ConnectionFailedError } from '../../errors.js';
import {
  DatabaseStatementError,
  type ConnectOptions,
  type MigrationConnection,
  type MigrationRow,
  type RollbackHistoryEntry,
} from '../../migration-connection.js';
import { isPostgresTransactionControl, postgresNonTransactionalReason } from './statements.js';
import { cancelBackend } from './cancel.js';
import type { SqlStatement } from '../../split-statements.js';

/**
 * The advisory lock key Prisma's schema engine takes before migrating (`pg_advisory_lock(72707369)`
 * in prisma/prisma-engines `schema-engine/connectors/sql-schema-connector/src/flavour/postgres.rs`,
 * `acquire_lock`). Taking the same key makes our deploys and Prisma's exclude each other too.
 */
export const PRISMA_ADVISORY_LOCK_KEY = 72707369;

/**
 * Prisma's DDL for `_prisma_migrations` on PostgreSQL, column for column: prisma/prisma-engines
 * `schema-engine/connectors/sql-schema-connector/src/flavour/postgres.rs`, `create_migrations_table`
 * (id VARCHAR(36) primary key, checksum VARCHAR(64), finished_at TIMESTAMPTZ, migration_name
 * VARCHAR(255), logs TEXT, rolled_back_at TIMESTAMPTZ, started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
 * applied_steps_count INTEGER NOT NULL DEFAULT 0). Verified against the table Prisma 6.19's engine
 * creates (see `prisma-interop.int.test.ts`).
 */
function prismaMigrationsDdl(table: string): string {
  return `CREATE TABLE ${table} (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;
}

function historyDdl(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    migration_name          VARCHAR(255) NOT NULL,
    action                  VARCHAR(32) NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    down_checksum           VARCHAR(64) NOT NULL,
    applied_at              TIMESTAMPTZ,
    performed_at            TIMESTAMPTZ NOT NULL,
    duration_ms             INTEGER NOT NULL,
    removed_rows            JSONB NOT NULL,
    details                 JSONB
)`;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Options of {@link connectPostgres}: the URL is `postgresql://…`; Prisma's `schema` parameter selects the schema (default `public`). */
export type PostgresConnectOptions = ConnectOptions;

interface RawRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

function toRow(raw: RawRow): MigrationRow {
  return {
    id: raw.id,
    checksum: raw.checksum,
    finishedAt: raw.finished_at,
    migrationName: raw.migration_name,
    logs: raw.logs,
    rolledBackAt: raw.rolled_back_at,
    startedAt: raw.started_at,
    appliedStepsCount: raw.applied_steps_count,
  };
}

/**
 * Splits Prisma's `schema` parameter off a URL and drops the `pgbouncer` pooler flag: pg knows
 * neither (the flag is read from the URL as given, before this).
 */
export function splitSchemaParameter(url: string): { url: string; schema: string } {
  try {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') ?? 'public';
    parsed.searchParams.delete('schema');
    parsed.searchParams.delete(POOLER_URL_PARAMETER);
    return { url: parsed.toString(), schema };
  } catch {
    return { url, schema: 'public' };
  }
}

class PostgresMigrationConnection implements MigrationConnection {
  readonly provider = 'postgresql';
  readonly dialect = 'postgresql';
  readonly transactionalDdl = true;
  private readonly migrationsTable: string;
  private readonly historyTable: string;
  /**
   * The URL's schema becomes the search path before the first migration statement, not on
   * connect: reads (status, a dry run) then change nothing in the session, so they can run
   * through a transaction pooler without leaving a `SET` on a server connection others share.
   */
  private searchPath: 'default' | 'set' = 'default';

  constructor(
    private readonly client: pg.Client,
    private readonly pgModule: PgModule,
    private readonly url: string,
    private readonly schema: string,
    private readonly serverVersionNum: number,
  ) {
    this.migrationsTable = `${quoteIdentifier(schema)}.${quoteIdentifier(PRISMA_MIGRATIONS_TABLE)}`;
    this.historyTable = `${quoteIdentifier(schema)}.${quoteIdentifier(ROLLBACK_HISTORY_TABLE)}`;
  }

  nonTransactionalReason(statement: SqlStatement): string | undefined {
    return postgresNonTransactionalReason(statement, this.serverVersionNum);
  }

  isTransactionControl(statement: SqlStatement): boolean {
    return isPostgresTransactionControl(statement);
  }

  private async query<R extends pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.client.query<R>(sql, values);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new DatabaseStatementError(
        typeof code === 'string' ? code : undefined,
        scrubSecrets((error as Error).message ?? String(error), this.url),
        { cause: error },
      );
    }
  }

  async acquireLock(timeoutMs: number): Promise<boolean> {
    await this.query(`SET lock_timeout = ${Math.max(0, Math.floor(timeoutMs))}`);
    try {
      await this.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
      return true;
    } catch (error) {
      // 55P03 lock_not_available: lock_timeout elapsed (advisory locks wait in the lock manager).
      if (error instanceof DatabaseStatementError && error.databaseCode === '55P03') return false;
      throw error;
    } finally {
      await this.query('RESET lock_timeout');
    }
  }

  async releaseLock(): Promise<void> {
    await this.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
  }

  /** Before BEGIN, so a rolled-back transaction cannot undo it. */
  private async useSchema(): Promise<void> {
    if (this.searchPath === 'set') return;
    await this.query(`SET search_path TO ${quoteIdentifier(this.schema)}`);
    this.searchPath = 'set';
  }

  async begin(): Promise<void> {
    await this.useSchema();
    await this.query('BEGIN');
  }

  async commit(): Promise<void> {
    await this.query('COMMIT');
  }

  async rollback(): Promise<void> {
    await this.query('ROLLBACK');
  }

  async execute(sql: string): Promise<void> {
    await this.useSchema();
    await this.query(sql);
  }

  async hasMigrationsTable(): Promise<boolean> {
    const result = await this.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [this.migrationsTable]);
    return result.rows[0]?.exists === true;
  }

  async ensureMigrationsTable(): Promise<void> {
    if (await this.hasMigrationsTable()) return;
    if (this.schema !== 'public') await this.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(this.schema)}`);
    await this.query(prismaMigrationsDdl(this.migrationsTable));
  }

  async listMigrationRows(): Promise<MigrationRow[]> {
    // Prisma reads the table ordered by started_at (prisma/prisma-engines
    // `schema-engine/connectors/sql-schema-connector/src/flavour.rs`, `load_migrations_table`).
    const result = await this.query<RawRow>(
      `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
         FROM ${this.migrationsTable} ORDER BY started_at ASC`,
    );
    return result.rows.map(toRow);
  }

  async recordMigrationStarted(row: { id: string; migrationName: string; checksum: string; startedAt: Date }): Promise<void> {
    // As `record_migration_started_impl` (prisma/prisma-engines `sql-schema-connector/src/sql_migration_persistence.rs`):
    // a new UUID v4 id, the checksum, started_at = now, the name; finished_at and logs stay NULL,
    // applied_steps_count takes its default 0.
    await this.query(
      `INSERT INTO ${this.migrationsTable} (id, checksum, started_at, migration_name) VALUES ($1, $2, $3, $4)`,
      [row.id, row.checksum, row.startedAt, row.migrationName],
    );
  }

  async recordMigrationFinished(id: string, finishedAt: Date): Promise<void> {
    // Prisma's `record_successful_step` (applied_steps_count + 1: a whole script is one step) then
    // `record_migration_finished` (finished_at = now), in `sql_migration_persistence.rs`.
    await this.query(
      `UPDATE ${this.migrationsTable} SET applied_steps_count = applied_steps_count + 1, finished_at = $2 WHERE id = $1`,
      [id, finishedAt],
    );
  }

  async recordMigrationApplied(row: { id: string; migrationName: string; checksum: string; at: Date }): Promise<void> {
    await this.query(
      `INSERT INTO ${this.migrationsTable} (id, checksum, logs, started_at, finished_at, migration_name) VALUES ($1, $2, '', $3, $3, $4)`,
      [row.id, row.checksum, row.at, row.migrationName],
    );
  }

  async recordMigrationFailed(id: string, logs: string): Promise<void> {
    // Prisma's `record_failed_step`: only `logs` is set; finished_at stays NULL, which is what marks
    // the migration failed (`detect_failed_migrations` in prisma/prisma-engines
    // `schema-engine/core/src/commands/apply_migrations.rs`).
    await this.query(`UPDATE ${this.migrationsTable} SET logs = $2 WHERE id = $1`, [id, logs]);
  }

  async markFailedRolledBack(migrationName: string, at: Date): Promise<number> {
    // What `prisma migrate resolve --rolled-back` does (`mark_migration_rolled_back_by_id` on each failed row).
    const result = await this.query(
      `UPDATE ${this.migrationsTable} SET rolled_back_at = $2
        WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL`,
      [migrationName, at],
    );
    return result.rowCount ?? 0;
  }

  async deleteMigrationRows(migrationName: string): Promise<MigrationRow[]> {
    const result = await this.query<RawRow>(
      `DELETE FROM ${this.migrationsTable} WHERE migration_name = $1
        RETURNING id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count`,
      [migrationName],
    );
    return result.rows.map(toRow);
  }

  async ensureHistoryTable(): Promise<void> {
    await this.query(historyDdl(this.historyTable));
    // A table from before the column existed.
    await this.query(`ALTER TABLE ${this.historyTable} ADD COLUMN IF NOT EXISTS ${HISTORY_DETAILS_COLUMN} JSONB`);
  }

  async insertHistory(entry: RollbackHistoryEntry): Promise<void> {
    await this.query(
      `INSERT INTO ${this.historyTable} (${HISTORY_INSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      historyInsertValues(entry, (date) => date),
    );
  }

  async listHistory(): Promise<RollbackHistoryEntry[]> {
    const exists = await this.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [this.historyTable]);
    if (exists.rows[0]?.exists !== true) return [];
    const result = await this.query<RawHistoryRow<Date>>(`SELECT * FROM ${this.historyTable} ORDER BY performed_at ASC, id ASC`);
    return result.rows.map((row) => toHistoryEntry(row, (date) => date));
  }

  cancel(): Promise<void> {
    return cancelBackend(this.pgModule, this.url, (this.client as unknown as { processID?: number }).processID);
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

/**
 * Opens one Postgres connection for a migration run: migration statements run with the search
 * path set to the URL's `schema` (default `public`), as Prisma does. Failures become {@link ConnectionFailedError} with the
 * password removed.
 */
export async function connectPostgres(options: PostgresConnectOptions): Promise<MigrationConnection> {
  const { url, schema } = splitSchemaParameter(options.url);
  const pg = await loadDriver<PgModule>(DRIVER_PACKAGES.postgresql, 'postgresql', [options.baseDir, ...(options.driverDirs ?? [])]);
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: options.connectTimeoutMs,
    application_name: 'kusto-db migrate',
  });
  // An idle connection that dies (server restart) must not crash the process; the next query fails instead.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const version = await client.query<{ server_version_num: string }>('SHOW server_version_num');
    const versionNum = Number(version.rows[0]?.server_version_num ?? 0);
    return new PostgresMigrationConnection(client, pg, options.url, schema, versionNum);
  } catch (error) {
    await client.end().catch(() => undefined);
    const message = scrubSecrets((error as Error).message ?? String(error), options.url);
    throw new ConnectionFailedError(options.database, message, { cause: error });
  }
}
