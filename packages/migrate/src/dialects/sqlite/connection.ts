import fs from 'node:fs';
import path from 'node:path';
import { scrubSecrets } from '@kusto/db';
import type BetterSqlite3 from 'better-sqlite3';
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
import { sqliteFilePath, sqliteTime, sqliteTimeText } from './file.js';
import { isSqliteTransactionControl, sqliteNonTransactionalReason, turnsForeignKeysOff } from './statements.js';

/**
 * Prisma's DDL for `_prisma_migrations` on SQLite, column for column (prisma/prisma-engines
 * `schema-engine/connectors/sql-schema-connector/src/flavour/sqlite.rs`, `create_migrations_table`).
 */
export const SQLITE_MIGRATIONS_DDL = `CREATE TABLE "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

const HISTORY_DDL = `CREATE TABLE IF NOT EXISTS "${ROLLBACK_HISTORY_TABLE}" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "migration_name"        TEXT NOT NULL,
    "action"                TEXT NOT NULL,
    "checksum"              TEXT NOT NULL,
    "down_checksum"         TEXT NOT NULL,
    "applied_at"            DATETIME,
    "performed_at"          DATETIME NOT NULL,
    "duration_ms"           INTEGER NOT NULL,
    "removed_rows"          TEXT NOT NULL,
    "details"               TEXT
)`;

/**
 * The migration lock on SQLite is the one Prisma takes: `PRAGMA main.locking_mode=EXCLUSIVE`
 * (prisma/prisma-engines `flavour/sqlite.rs`, `acquire_lock`), which keeps the file's exclusive
 * lock from the first write until the connection closes, so a second migrator (or any other
 * writer, or reader outside WAL mode) waits in SQLite's busy handler.
 */
export const SQLITE_LOCKING_MODE = 'EXCLUSIVE';

/** The largest busy timeout SQLite takes: "wait forever" for `lockTimeoutMs: 0`. */
const FOREVER_MS = 2_147_483_647;

type Database = BetterSqlite3.Database;

function statementError(error: unknown, url: string): DatabaseStatementError {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return new DatabaseStatementError(typeof code === 'string' ? code : undefined, scrubSecrets(String(message ?? error), url), { cause: error });
}

class SqliteMigrationConnection implements MigrationConnection {
  readonly provider = 'sqlite';
  readonly dialect = 'sqlite';
  readonly transactionalDdl = true;
  /** The `foreign_keys` setting to restore after a script that turned it off. */
  private restoreForeignKeys: number | undefined;

  constructor(
    private readonly db: Database,
    private readonly url: string,
  ) {}

  nonTransactionalReason(statement: SqlStatement): string | undefined {
    return sqliteNonTransactionalReason(statement);
  }

  isTransactionControl(statement: SqlStatement): boolean {
    return isSqliteTransactionControl(statement);
  }

  private run<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw statementError(error, this.url);
    }
  }

  private all<R>(sql: string, ...params: unknown[]): R[] {
    return this.run(() => this.db.prepare(sql).all(...params) as R[]);
  }

  private change(sql: string, ...params: unknown[]): number {
    return this.run(() => this.db.prepare(sql).run(...params).changes);
  }

  acquireLock(timeoutMs: number): Promise<boolean> {
    this.db.pragma(`busy_timeout = ${timeoutMs === 0 ? FOREVER_MS : Math.max(1, Math.floor(timeoutMs))}`);
    this.db.pragma(`main.locking_mode = ${SQLITE_LOCKING_MODE}`);
    try {
      // Take the exclusive lock now (in EXCLUSIVE locking mode it stays after the transaction).
      this.db.exec('BEGIN EXCLUSIVE; COMMIT');
      return Promise.resolve(true);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'SQLITE_BUSY') {
        this.db.pragma('main.locking_mode = NORMAL');
        return Promise.resolve(false);
      }
      return Promise.reject(statementError(error, this.url));
    }
  }

  releaseLock(): Promise<void> {
    // In NORMAL mode the lock goes at the next access of the file.
    this.run(() => {
      this.db.pragma('main.locking_mode = NORMAL');
      this.db.prepare('SELECT count(*) FROM sqlite_master').get();
    });
    return Promise.resolve();
  }

  begin(statements: readonly SqlStatement[] = []): Promise<void> {
    this.run(() => {
      // `PRAGMA foreign_keys=OFF` does nothing inside a transaction, and Prisma's table
      // redefinitions need it (a DROP TABLE would otherwise fire ON DELETE actions): turn it off
      // before BEGIN, check the keys before COMMIT, and restore the setting after (SQLite's own
      // recipe for schema changes, "Making Other Kinds Of Table Schema Changes").
      if (statements.some(turnsForeignKeysOff)) {
        this.restoreForeignKeys = Number(this.db.pragma('foreign_keys', { simple: true }));
        this.db.pragma('foreign_keys = OFF');
      }
      this.db.exec('BEGIN');
    });
    return Promise.resolve();
  }

  commit(): Promise<void> {
    try {
      if (this.restoreForeignKeys !== undefined) {
        const violations = this.run(() => this.db.pragma('foreign_key_check') as Array<{ table: string; parent: string }>);
        if (violations.length > 0) {
          this.run(() => this.db.exec('ROLLBACK'));
          const first = violations[0]!;
          throw new DatabaseStatementError(
            'SQLITE_CONSTRAINT_FOREIGNKEY',
            `foreign key check failed before COMMIT: ${violations.length} row(s), first in "${first.table}" referencing "${first.parent}"`,
          );
        }
      }
      this.run(() => this.db.exec('COMMIT'));
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.restore();
    }
  }

  rollback(): Promise<void> {
    try {
      if (this.db.inTransaction) this.run(() => this.db.exec('ROLLBACK'));
      return Promise.resolve();
    } finally {
      this.restore();
    }
  }

  private restore(): void {
    if (this.restoreForeignKeys === undefined || this.db.inTransaction) return;
    this.db.pragma(`foreign_keys = ${this.restoreForeignKeys}`);
    this.restoreForeignKeys = undefined;
  }

  execute(sql: string): Promise<void> {
    this.run(() => this.db.exec(sql));
    return Promise.resolve();
  }

  private tableExists(name: string): boolean {
    return this.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", name).length > 0;
  }

  hasMigrationsTable(): Promise<boolean> {
    return Promise.resolve(this.tableExists(PRISMA_MIGRATIONS_TABLE));
  }

  ensureMigrationsTable(): Promise<void> {
    if (!this.tableExists(PRISMA_MIGRATIONS_TABLE)) this.run(() => this.db.exec(SQLITE_MIGRATIONS_DDL));
    return Promise.resolve();
  }

  listMigrationRows(): Promise<MigrationRow[]> {
    const rows = this.all<RawMigrationRow>(`SELECT ${MIGRATION_COLUMNS} FROM "${PRISMA_MIGRATIONS_TABLE}" ORDER BY started_at ASC`);
    return Promise.resolve(rows.map((row) => toMigrationRow(row, sqliteTime)));
  }

  recordMigrationStarted(row: { id: string; migrationName: string; checksum: string; startedAt: Date }): Promise<void> {
    this.change(
      `INSERT INTO "${PRISMA_MIGRATIONS_TABLE}" (id, checksum, started_at, migration_name) VALUES (?, ?, ?, ?)`,
      row.id,
      row.checksum,
      sqliteTimeText(row.startedAt),
      row.migrationName,
    );
    return Promise.resolve();
  }

  recordMigrationFinished(id: string, finishedAt: Date): Promise<void> {
    this.change(
      `UPDATE "${PRISMA_MIGRATIONS_TABLE}" SET applied_steps_count = applied_steps_count + 1, finished_at = ? WHERE id = ?`,
      sqliteTimeText(finishedAt),
      id,
    );
    return Promise.resolve();
  }

  recordMigrationFailed(id: string, logs: string): Promise<void> {
    this.change(`UPDATE "${PRISMA_MIGRATIONS_TABLE}" SET logs = ? WHERE id = ?`, logs, id);
    return Promise.resolve();
  }

  recordMigrationApplied(row: { id: string; migrationName: string; checksum: string; at: Date }): Promise<void> {
    const at = sqliteTimeText(row.at);
    this.change(
      `INSERT INTO "${PRISMA_MIGRATIONS_TABLE}" (id, checksum, logs, started_at, finished_at, migration_name) VALUES (?, ?, '', ?, ?, ?)`,
      row.id,
      row.checksum,
      at,
      at,
      row.migrationName,
    );
    return Promise.resolve();
  }

  markFailedRolledBack(migrationName: string, at: Date): Promise<number> {
    return Promise.resolve(
      this.change(
        `UPDATE "${PRISMA_MIGRATIONS_TABLE}" SET rolled_back_at = ? WHERE migration_name = ? AND finished_at IS NULL AND rolled_back_at IS NULL`,
        sqliteTimeText(at),
        migrationName,
      ),
    );
  }

  deleteMigrationRows(migrationName: string): Promise<MigrationRow[]> {
    const rows = this.all<RawMigrationRow>(
      `DELETE FROM "${PRISMA_MIGRATIONS_TABLE}" WHERE migration_name = ? RETURNING ${MIGRATION_COLUMNS}`,
      migrationName,
    );
    return Promise.resolve(rows.map((row) => toMigrationRow(row, sqliteTime)));
  }

  ensureHistoryTable(): Promise<void> {
    this.run(() => this.db.exec(HISTORY_DDL));
    // A table from before the column existed.
    const columns = this.all<{ name: string }>(`PRAGMA table_info("${ROLLBACK_HISTORY_TABLE}")`);
    if (!columns.some((column) => column.name === HISTORY_DETAILS_COLUMN)) {
      this.run(() => this.db.exec(`ALTER TABLE "${ROLLBACK_HISTORY_TABLE}" ADD COLUMN "${HISTORY_DETAILS_COLUMN}" TEXT`));
    }
    return Promise.resolve();
  }

  insertHistory(entry: RollbackHistoryEntry): Promise<void> {
    this.change(
      `INSERT INTO "${ROLLBACK_HISTORY_TABLE}" (${HISTORY_INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ...historyInsertValues(entry, sqliteTimeText),
    );
    return Promise.resolve();
  }

  listHistory(): Promise<RollbackHistoryEntry[]> {
    if (!this.tableExists(ROLLBACK_HISTORY_TABLE)) return Promise.resolve([]);
    const rows = this.all<RawHistoryRow<string>>(`SELECT * FROM "${ROLLBACK_HISTORY_TABLE}" ORDER BY performed_at ASC, id ASC`);
    return Promise.resolve(rows.map((row) => toHistoryEntry(row, sqliteTime)));
  }

  cancel(): Promise<void> {
    // better-sqlite3 runs a statement synchronously on this thread: nothing can interrupt it from
    // here, and a signal is handled once it returns. The transaction then rolls back at close.
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (this.db.open) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.db.close();
    }
    return Promise.resolve();
  }
}

/**
 * Opens a SQLite file for a migration run (`better-sqlite3`). Deploys create the file when it is
 * missing, as Prisma does; read-only work (status) opens it read-only and fails when it is missing.
 */
export async function connectSqlite(options: ConnectOptions): Promise<MigrationConnection> {
  const Database = await loadDriver<typeof BetterSqlite3>(DRIVER_PACKAGES.sqlite, 'sqlite', [options.baseDir, ...(options.driverDirs ?? [])]);
  const path_ = sqliteFilePath(options.url, options.baseDir ?? process.cwd());
  // Reading a database file that does not exist yet: nothing is applied there. An empty in-memory
  // database says so without creating the file.
  const file = options.readOnly === true && path_ !== ':memory:' && !fs.existsSync(path_) ? ':memory:' : path_;
  try {
    if (!options.readOnly && file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    const readonly = options.readOnly === true && file !== ':memory:';
    const db = new Database(file, { readonly, fileMustExist: readonly, timeout: options.connectTimeoutMs });
    return new SqliteMigrationConnection(db, options.url);
  } catch (error) {
    throw new ConnectionFailedError(options.database, `${(error as Error).message} (file ${path_})`, { cause: error });
  }
}
