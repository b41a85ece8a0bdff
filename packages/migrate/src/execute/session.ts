import type { SqlStatement } from '../split-statements.js';

/** One column of a result set. */
export interface ExecuteSqlField {
  readonly name: string;
  /** The database's type id (Postgres OID, MySQL column type number); 0 where the driver gives none (SQLite). */
  readonly dataTypeId: number;
}

/**
 * Where streamed rows go, statement by statement. Every callback may return a promise: the next
 * batch is read only once it settles, so a slow consumer (a pipe) holds the reading back and
 * memory stays bounded.
 */
export interface SqlRowSink {
  /** The columns of statement `index`, before its first batch (only for statements that return rows). */
  fields?(fields: readonly ExecuteSqlField[], index: number): void | Promise<void>;
  /** Up to {@link EXECUTE_BATCH_ROWS} rows of statement `index`. */
  rows(rows: readonly Record<string, unknown>[], index: number): void | Promise<void>;
}

/** Rows read from the server per batch (a cursor's `FETCH`, a stream's chunk). */
export const EXECUTE_BATCH_ROWS = 1_000;

/** What one statement reported once its rows were all delivered. */
export interface StatementSummary {
  /** `SELECT`, `INSERT`, … as the database reported it (or the statement's first word). */
  readonly command: string;
  /** Rows returned or affected (`null` for commands without a count). */
  readonly rowCount: number | null;
  readonly fields: readonly ExecuteSqlField[];
}

/** A dialect's connection for `executeSql`: one transaction, statements streamed through it. */
export interface ExecuteSession {
  /** Starts the transaction: read-only unless `write` (Postgres `BEGIN READ ONLY`, MySQL `START TRANSACTION READ ONLY`, SQLite `query_only`). */
  begin(write: boolean): Promise<void>;
  /** Runs one statement, streaming its rows into `sink` in batches. */
  run(statement: SqlStatement, index: number, sink: SqlRowSink): Promise<StatementSummary>;
  /** After a read-only run: whether the session is still read-only (a way around the statement checks is caught here). */
  stillReadOnly(): Promise<boolean>;
  /** Commits (write) or rolls back. */
  end(commit: boolean): Promise<void>;
  /** Asks the server to stop the running statement (from another connection where needed). */
  cancel(): Promise<void>;
  close(): Promise<void>;
}

/** How a dialect reads a driver error. */
export interface ExecuteErrorInfo {
  readonly databaseCode: string | undefined;
  readonly message: string;
  /** The server refused a write because the transaction (or the file) is read-only. */
  readonly readOnlyViolation: boolean;
}

/** A dialect's `executeSql` side. */
export interface ExecuteDialect {
  /** Why a statement may not run without write access (transaction control, mode changes, …), or `undefined`. */
  readOnlyRefusal(statement: SqlStatement): string | undefined;
  open(options: { readonly url: string; readonly connectTimeoutMs: number; readonly baseDir: string; readonly driverDirs: readonly string[]; readonly write: boolean }): Promise<ExecuteSession>;
  describeError(error: unknown, url: string): ExecuteErrorInfo;
}
