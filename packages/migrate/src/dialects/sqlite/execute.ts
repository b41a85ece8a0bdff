import fs from 'node:fs';
import { scrubSecrets } from '@kusto/db';
import type BetterSqlite3 from 'better-sqlite3';
import { DRIVER_PACKAGES, loadDriver } from '../../drivers.js';
import { EXECUTE_BATCH_ROWS, type ExecuteDialect, type ExecuteSession, type SqlRowSink, type StatementSummary } from '../../execute/session.js';
import type { SqlStatement } from '../../split-statements.js';
import { sqliteFilePath } from './file.js';
import { isSqliteTransactionControl, sqliteReadOnlyRefusal } from './statements.js';

class SqliteExecuteSession implements ExecuteSession {
  constructor(private readonly db: BetterSqlite3.Database) {}

  begin(write: boolean): Promise<void> {
    // Read-only twice over: the file is opened read-only, and `query_only` refuses every write
    // (temporary tables included) on this connection.
    if (!write) this.db.pragma('query_only = ON');
    this.db.exec('BEGIN');
    return Promise.resolve();
  }

  async run(statement: SqlStatement, index: number, sink: SqlRowSink): Promise<StatementSummary> {
    const prepared = this.db.prepare(statement.sql);
    const command = statement.code.split(' ')[0]!.toUpperCase();
    if (!prepared.reader) {
      const info = prepared.run();
      return { command, rowCount: info.changes, fields: [] };
    }
    const fields = prepared.columns().map((column) => ({ name: column.name, dataTypeId: 0 }));
    await sink.fields?.(fields, index);
    let batch: Record<string, unknown>[] = [];
    let rowCount = 0;
    // iterate() steps the statement row by row; batches go out as they fill.
    for (const row of prepared.iterate() as IterableIterator<Record<string, unknown>>) {
      batch.push(row);
      rowCount++;
      if (batch.length >= EXECUTE_BATCH_ROWS) {
        await sink.rows(batch, index);
        batch = [];
      }
    }
    if (batch.length > 0) await sink.rows(batch, index);
    return { command, rowCount, fields };
  }

  stillReadOnly(): Promise<boolean> {
    return Promise.resolve(Number(this.db.pragma('query_only', { simple: true })) === 1);
  }

  end(commit: boolean): Promise<void> {
    if (this.db.inTransaction) this.db.exec(commit ? 'COMMIT' : 'ROLLBACK');
    return Promise.resolve();
  }

  cancel(): Promise<void> {
    // A statement runs synchronously on this thread: nothing can stop it from here.
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }
}

export const sqliteExecute: ExecuteDialect = {
  readOnlyRefusal(statement) {
    if (isSqliteTransactionControl(statement)) return 'it controls the transaction and could leave the read-only one';
    return sqliteReadOnlyRefusal(statement);
  },
  async open({ url, connectTimeoutMs, baseDir, driverDirs, write }) {
    const Database = await loadDriver<typeof BetterSqlite3>(DRIVER_PACKAGES.sqlite, 'sqlite', [baseDir, ...driverDirs]);
    const file = sqliteFilePath(url, baseDir);
    // Reading needs the file; writing creates it, as Prisma does.
    if (!write && file !== ':memory:' && !fs.existsSync(file)) throw Object.assign(new Error(`the database file ${file} does not exist`), { code: 'SQLITE_CANTOPEN' });
    const db = new Database(file, { readonly: !write && file !== ':memory:', fileMustExist: !write, timeout: connectTimeoutMs });
    return new SqliteExecuteSession(db);
  },
  describeError(error, url) {
    const code = (error as { code?: unknown }).code;
    const databaseCode = typeof code === 'string' ? code : undefined;
    return {
      databaseCode,
      message: scrubSecrets((error as Error).message ?? String(error), url),
      readOnlyViolation: databaseCode === 'SQLITE_READONLY' || /attempt to write a readonly database/i.test(String((error as Error).message)),
    };
  },
};
