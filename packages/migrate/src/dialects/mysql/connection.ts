import { scrubSecrets } from '@kusto/db';
import type * as Mariadb from 'mariadb';
import {
  HISTORY_DETAILS_COLUMN,
  HISTORY_INSERT_COLUMNS,
  MIGRATION_COLUMNS,
  PRISMA_MIGRATIONS_TABLE,
  ROLLBACK_HISTORY_TABLE,
  historyInsertValues,
  toHistoryEntry,
  toMigrationRow,
  type RawHistoryRow,
  type RawMigrationRow,
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
import type { SqlStatement } from '../../split-statements.js';
import { isMysqlTransactionControl } from './statements.js';
import { killQuery } from './cancel.js';

/**
 * The named lock Prisma's schema engine takes on MySQL before migrating: `SELECT
 * GET_LOCK('prisma_migrate', 10)` (prisma/prisma-engines
 * `schema-engine/connectors/sql-schema-connector/src/flavour/mysql.rs`, `acquire_lock`, with
 * `ADVISORY_LOCK_TIMEOUT` = 10 s; Prisma skips it on PlanetScale and does not check the result).
 * Taking the same name makes our runs and Prisma's exclude each other.
 */
export const PRISMA_MYSQL_LOCK_NAME = 'prisma_migrate';
/** Prisma's own wait for {@link PRISMA_MYSQL_LOCK_NAME}, in seconds (ours is `lockTimeoutMs`). */
export const PRISMA_MYSQL_LOCK_TIMEOUT_SECONDS = 10;

/**
 * Prisma's DDL for `_prisma_migrations` on MySQL, column for column (prisma/prisma-engines
 * `schema-engine/connectors/sql-schema-connector/src/flavour/mysql.rs`, `create_migrations_table`):
 * DATETIME(3) times (UTC), `applied_steps_count INTEGER UNSIGNED`, utf8mb4_unicode_ci.
 */
export const MYSQL_MIGRATIONS_DDL = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             DATETIME(3),
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          DATETIME(3),
    started_at              DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    applied_steps_count     INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;

/** Our rollback history on MySQL: the Postgres table's columns in MySQL types (JSON kept as LONGTEXT, as MariaDB stores JSON). */
const HISTORY_DDL = `CREATE TABLE IF NOT EXISTS ${ROLLBACK_HISTORY_TABLE} (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    migration_name          VARCHAR(255) NOT NULL,
    action                  VARCHAR(32) NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    down_checksum           VARCHAR(64) NOT NULL,
    applied_at              DATETIME(3),
    performed_at            DATETIME(3) NOT NULL,
    duration_ms             INTEGER NOT NULL,
    removed_rows            LONGTEXT NOT NULL,
    details                 LONGTEXT
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;

type MariadbModule = typeof Mariadb;

/**
 * Connection settings from a Prisma MySQL URL (`mysql://user:password@host:3306/database`).
 * Prisma's own parameters (`connection_limit`, `sslaccept`, …) are not the driver's and are left
 * out. Times are exchanged in UTC (`timezone: 'Z'`), as Prisma's engine writes them.
 */
export function mysqlConnectionConfig(url: string, connectTimeoutMs: number): Mariadb.ConnectionConfig {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: parsed.port === '' ? 3306 : Number(parsed.port),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || undefined,
    connectTimeout: connectTimeoutMs,
    timezone: 'Z',
    multipleStatements: false,
    bigIntAsNumber: true,
    insertIdAsNumber: true,
    decimalAsNumber: false,
    checkDuplicate: false,
  };
}

/** A driver error as the runner reports it: the server's error number and its own text, never the SQL's parameters. */
export function mysqlStatementError(error: unknown, url: string): DatabaseStatementError {
  const { errno, text, message } = error as { errno?: unknown; text?: unknown; message?: unknown };
  const code = typeof errno === 'number' && errno > 0 ? String(errno) : undefined;
  const detail = typeof text === 'string' && text !== '' ? text : String(message ?? error);
  return new DatabaseStatementError(code, scrubSecrets(detail, url), { cause: error });
}

class MysqlMigrationConnection implements MigrationConnection {
  readonly provider = 'mysql';
  readonly dialect = 'mysql';
  /** MySQL commits DDL implicitly: each statement takes effect as it runs. */
  readonly transactionalDdl = false;

  constructor(
    private readonly connection: Mariadb.Connection,
    private readonly driver: MariadbModule,
    private readonly url: string,
    private readonly connectTimeoutMs: number,
  ) {}

  nonTransactionalReason(): string | undefined {
    return 'MySQL commits DDL implicitly';
  }

  isTransactionControl(statement: SqlStatement): boolean {
    return isMysqlTransactionControl(statement);
  }

  private async query<R = unknown>(sql: string, values?: unknown[]): Promise<R> {
    try {
      return (await this.connection.query(sql, values));
    } catch (error) {
      throw mysqlStatementError(error, this.url);
    }
  }

  async acquireLock(timeoutMs: number): Promise<boolean> {
    // GET_LOCK waits whole seconds; a negative timeout waits forever.
    const seconds = timeoutMs === 0 ? -1 : Math.max(1, Math.ceil(timeoutMs / 1000));
    const rows = await this.query<Array<{ locked: number | null }>>('SELECT GET_LOCK(?, ?) AS locked', [PRISMA_MYSQL_LOCK_NAME, seconds]);
    return Number(rows[0]?.locked) === 1;
  }

  async releaseLock(): Promise<void> {
    await this.query('SELECT RELEASE_LOCK(?)', [PRISMA_MYSQL_LOCK_NAME]);
  }

  async begin(): Promise<void> {
    await this.query('START TRANSACTION');
  }

  async commit(): Promise<void> {
    await this.query('COMMIT');
  }

  async rollback(): Promise<void> {
    await this.query('ROLLBACK');
  }

  async execute(sql: string): Promise<void> {
    await this.query(sql);
  }

  async hasMigrationsTable(): Promise<boolean> {
    return this.tableExists(PRISMA_MIGRATIONS_TABLE);
  }

  private async tableExists(name: string): Promise<boolean> {
    const rows = await this.query<Array<{ found: number }>>(
      'SELECT COUNT(*) AS found FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?',
      [name],
    );
    return Number(rows[0]?.found) > 0;
  }

  async ensureMigrationsTable(): Promise<void> {
    if (await this.hasMigrationsTable()) return;
    await this.query(MYSQL_MIGRATIONS_DDL);
  }

  async listMigrationRows(): Promise<MigrationRow[]> {
    // Ordered by started_at as Prisma reads them (`load_migrations_table`).
    const rows = await this.query<RawMigrationRow[]>(`SELECT ${MIGRATION_COLUMNS} FROM ${PRISMA_MIGRATIONS_TABLE} ORDER BY started_at ASC`);
    return rows.map((row) => toMigrationRow(row, (value) => new Date(value)));
  }

  async recordMigrationStarted(row: { id: string; migrationName: string; checksum: string; startedAt: Date }): Promise<void> {
    await this.query(`INSERT INTO ${PRISMA_MIGRATIONS_TABLE} (id, checksum, started_at, migration_name) VALUES (?, ?, ?, ?)`, [
      row.id,
      row.checksum,
      row.startedAt,
      row.migrationName,
    ]);
  }

  async recordMigrationFinished(id: string, finishedAt: Date): Promise<void> {
    await this.query(`UPDATE ${PRISMA_MIGRATIONS_TABLE} SET applied_steps_count = applied_steps_count + 1, finished_at = ? WHERE id = ?`, [
      finishedAt,
      id,
    ]);
  }

  async recordMigrationFailed(id: string, logs: string): Promise<void> {
    await this.query(`UPDATE ${PRISMA_MIGRATIONS_TABLE} SET logs = ? WHERE id = ?`, [logs, id]);
  }

  async recordMigrationApplied(row: { id: string; migrationName: string; checksum: string; at: Date }): Promise<void> {
    await this.query(
      `INSERT INTO ${PRISMA_MIGRATIONS_TABLE} (id, checksum, logs, started_at, finished_at, migration_name) VALUES (?, ?, '', ?, ?, ?)`,
      [row.id, row.checksum, row.at, row.at, row.migrationName],
    );
  }

  async markFailedRolledBack(migrationName: string, at: Date): Promise<number> {
    const result = await this.query<{ affectedRows: number }>(
      `UPDATE ${PRISMA_MIGRATIONS_TABLE} SET rolled_back_at = ? WHERE migration_name = ? AND finished_at IS NULL AND rolled_back_at IS NULL`,
      [at, migrationName],
    );
    return Number(result.affectedRows);
  }

  async deleteMigrationRows(migrationName: string): Promise<MigrationRow[]> {
    // No DELETE … RETURNING on MySQL: read, then delete, inside the caller's transaction.
    const rows = await this.query<RawMigrationRow[]>(
      `SELECT ${MIGRATION_COLUMNS} FROM ${PRISMA_MIGRATIONS_TABLE} WHERE migration_name = ? ORDER BY started_at ASC FOR UPDATE`,
      [migrationName],
    );
    await this.query(`DELETE FROM ${PRISMA_MIGRATIONS_TABLE} WHERE migration_name = ?`, [migrationName]);
    return rows.map((row) => toMigrationRow(row, (value) => new Date(value)));
  }

  async ensureHistoryTable(): Promise<void> {
    await this.query(HISTORY_DDL);
    // A table from before the column existed (MySQL has no ADD COLUMN IF NOT EXISTS; MariaDB has).
    const [found] = await this.query<Array<{ n: number | bigint }>>(
      'SELECT COUNT(*) AS n FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? AND column_name = ?',
      [ROLLBACK_HISTORY_TABLE, HISTORY_DETAILS_COLUMN],
    );
    if (Number(found?.n ?? 0) === 0) await this.query(`ALTER TABLE ${ROLLBACK_HISTORY_TABLE} ADD COLUMN ${HISTORY_DETAILS_COLUMN} LONGTEXT`);
  }

  async insertHistory(entry: RollbackHistoryEntry): Promise<void> {
    await this.query(
      `INSERT INTO ${ROLLBACK_HISTORY_TABLE} (${HISTORY_INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      historyInsertValues(entry, (date) => date),
    );
  }

  async listHistory(): Promise<RollbackHistoryEntry[]> {
    if (!(await this.tableExists(ROLLBACK_HISTORY_TABLE))) return [];
    const rows = await this.query<RawHistoryRow<Date>[]>(`SELECT * FROM ${ROLLBACK_HISTORY_TABLE} ORDER BY performed_at ASC, id ASC`);
    return rows.map((row) => toHistoryEntry(row, (date) => date));
  }

  cancel(): Promise<void> {
    return killQuery(this.driver, this.url, this.connection.threadId, Math.min(this.connectTimeoutMs, 5_000));
  }

  async close(): Promise<void> {
    await this.connection.end().catch(() => this.connection.destroy());
  }
}

/** Opens one MySQL/MariaDB session for a migration run (the `mariadb` driver). */
export async function connectMysql(options: ConnectOptions): Promise<MigrationConnection> {
  const driver = await loadDriver<MariadbModule>(DRIVER_PACKAGES.mysql, 'mysql', [options.baseDir, ...(options.driverDirs ?? [])]);
  let connection: Mariadb.Connection;
  try {
    connection = await driver.createConnection(mysqlConnectionConfig(options.url, options.connectTimeoutMs));
  } catch (error) {
    const detail = mysqlStatementError(error, options.url).message;
    throw new ConnectionFailedError(options.database, detail, { cause: error });
  }
  // An idle session that dies (server restart) must not crash the process; the next query fails instead.
  connection.on('error', () => undefined);
  return new MysqlMigrationConnection(connection, driver, options.url, options.connectTimeoutMs);
}
