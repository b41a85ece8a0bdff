import { performance } from 'node:perf_hooks';
import { mysqlExecute } from './dialects/mysql/execute.js';
import { postgresExecute } from './dialects/postgres/execute.js';
import { sqliteExecute } from './dialects/sqlite/execute.js';
import { ConnectionFailedError, MigrationError, UnsupportedMigrationProviderError } from './errors.js';
import type { ExecuteDialect, ExecuteSession, ExecuteSqlField, SqlRowSink, StatementSummary } from './execute/session.js';
import { splitSqlStatements, type SqlDialect } from './split-statements.js';

export { EXECUTE_BATCH_ROWS, type ExecuteSqlField, type SqlRowSink } from './execute/session.js';
export { changesReadOnlyMode } from './dialects/postgres/execute.js';

/** Defaults of {@link ExecuteSqlOptions}. */
export const EXECUTE_SQL_DEFAULTS = {
  write: false,
  provider: 'postgresql',
  connectTimeoutMs: 10_000,
} as const;

/** The providers `executeSql` runs on, each with its dialect. */
export const EXECUTE_PROVIDERS: Readonly<Record<string, ExecuteDialect>> = {
  postgresql: postgresExecute,
  mysql: mysqlExecute,
  sqlite: sqliteExecute,
};

/** Options of {@link executeSql} and {@link streamSql}. */
export interface ExecuteSqlOptions {
  /** Connection URL. Postgres: Prisma's `schema` parameter sets the search path. Never echoed. */
  readonly url: string;
  /** The SQL: one statement or several separated by `;`, split as the provider's dialect reads them. */
  readonly sql: string;
  /** `postgresql`, `mysql` or `sqlite`. Default `postgresql` ({@link EXECUTE_SQL_DEFAULTS}). */
  readonly provider?: string | undefined;
  /**
   * Allow writes. Default `false` ({@link EXECUTE_SQL_DEFAULTS}): the SQL runs in a read-only
   * transaction (Postgres `BEGIN READ ONLY`, SQLite a read-only file with `query_only`, MySQL
   * `START TRANSACTION READ ONLY` with only reads let through, since DDL there commits
   * implicitly), so a write fails and nothing changes; transaction control and anything that
   * changes the access mode is refused before anything runs, and on Postgres so are the server
   * functions that act outside the transaction (`pg_cancel_backend`, `pg_terminate_backend`, …,
   * `dblink`), `DO`, `CALL` and `COPY`. That refusal reads the SQL text: best effort, not a
   * guarantee (a view or function the database has can still reach them). For a hard guarantee
   * give the tool a database role that can only read.
   */
  readonly write?: boolean | undefined;
  /** Name for messages. Default: the URL's database name. */
  readonly database?: string | undefined;
  /** Base of a relative SQLite path (the database folder). Default `process.cwd()`. */
  /** Folders the driver package is also looked for from, after `baseDir` (see {@link MigratorOptions.driverDirs}). Default none. */
  readonly driverDirs?: readonly string[] | undefined;
  readonly baseDir?: string | undefined;
  /** Connect timeout. Default 10 000 ms ({@link EXECUTE_SQL_DEFAULTS}). */
  readonly connectTimeoutMs?: number | undefined;
  /** Monotonic milliseconds for `durationMs`. Default `performance.now`. */
  readonly monotonic?: (() => number) | undefined;
  /**
   * Aborting stops the statement on the server (Postgres `pg_cancel_backend`, MySQL `KILL
   * QUERY`), rolls the transaction back and resolves with a `CANCELLED` error. Default: none.
   */
  readonly signal?: AbortSignal | undefined;
}

/** The result of one statement. */
export interface ExecuteSqlStatementResult extends StatementSummary {
  /** Its rows ({@link executeSql} only; {@link streamSql} hands them to the sink instead). */
  readonly rows: readonly Record<string, unknown>[];
}

/** Outcome of {@link executeSql}. */
export interface ExecuteSqlResult {
  readonly ok: boolean;
  /** Whether the SQL ran in a read-write transaction. */
  readonly write: boolean;
  /** The last statement's rows (what a table printer shows). */
  readonly rows: readonly Record<string, unknown>[];
  readonly fields: readonly ExecuteSqlField[];
  /** The last statement's row count. */
  readonly rowCount: number | null;
  /** Every statement's result, in order. */
  readonly statements: readonly ExecuteSqlStatementResult[];
  readonly durationMs: number;
  /**
   * Why it failed: `READ_ONLY` (a write without `write`), `SQL_FAILED`, `CANCELLED`,
   * `CONNECTION_FAILED`, `NO_STATEMENTS` (the SQL holds only comments: nothing to run). Nothing
   * was committed then.
   */
  readonly error: SqlExecutionError | ConnectionFailedError | MigrationError | undefined;
}

/** Outcome of {@link streamSql}: {@link ExecuteSqlResult} without rows. */
export type StreamSqlResult = Omit<ExecuteSqlResult, 'rows' | 'statements'> & { readonly statements: readonly StatementSummary[] };

/** The SQL failed in the database, or was refused before running, or was cancelled. */
export class SqlExecutionError extends MigrationError {
  constructor(
    code: 'SQL_FAILED' | 'READ_ONLY' | 'CANCELLED' | 'NO_STATEMENTS',
    readonly databaseCode: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

function databaseName(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'file:') return parsed.pathname.split('/').at(-1) || 'database';
    return decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'database';
  } catch {
    return 'database';
  }
}

/**
 * Runs SQL and streams each statement's rows into `sink` in batches read from a cursor
 * (Postgres `pg-cursor`, MySQL `queryStream`, SQLite `iterate`), so a result of any size runs in
 * bounded memory. Read-only unless `write`. Never throws: failures come back in `error`, with the
 * password removed from every message; nothing is committed when it fails.
 */
export async function streamSql(options: ExecuteSqlOptions, sink: SqlRowSink): Promise<StreamSqlResult> {
  const write = options.write ?? EXECUTE_SQL_DEFAULTS.write;
  const provider = options.provider ?? EXECUTE_SQL_DEFAULTS.provider;
  const monotonic = options.monotonic ?? (() => performance.now());
  const database = options.database ?? databaseName(options.url);
  const started = monotonic();
  const statements: StatementSummary[] = [];
  const finish = (error: StreamSqlResult['error']): StreamSqlResult => {
    const last = statements.at(-1);
    return { ok: error === undefined, write, fields: last?.fields ?? [], rowCount: last?.rowCount ?? null, statements, durationMs: monotonic() - started, error };
  };

  const dialect = EXECUTE_PROVIDERS[provider];
  if (!dialect) return finish(new UnsupportedMigrationProviderError(database, provider, Object.keys(EXECUTE_PROVIDERS)));
  const split = splitSqlStatements(options.sql, provider as SqlDialect);
  if (split.length === 0) {
    // Never answer OK for SQL that did nothing: what the splitter dropped was comments only.
    return finish(new SqlExecutionError('NO_STATEMENTS', undefined, `the SQL holds only comments (as ${provider} reads them): nothing ran. Write the statement outside comments.`));
  }
  if (!write) {
    for (const statement of split) {
      const refusal = dialect.readOnlyRefusal(statement);
      if (refusal) {
        return finish(
          new SqlExecutionError('READ_ONLY', undefined, `"${statement.code.slice(0, 60)}" cannot run read-only: ${refusal}; nothing ran. Run it with write access (--write).`),
        );
      }
    }
  }

  let session: ExecuteSession;
  try {
    session = await dialect.open({
      url: options.url,
      connectTimeoutMs: options.connectTimeoutMs ?? EXECUTE_SQL_DEFAULTS.connectTimeoutMs,
      baseDir: options.baseDir ?? process.cwd(),
      driverDirs: options.driverDirs ?? [],
      write,
    });
  } catch (error) {
    if (error instanceof MigrationError) return finish(error);
    return finish(new ConnectionFailedError(database, dialect.describeError(error, options.url).message, { cause: error }));
  }
  let cancelled = false;
  const onAbort = () => {
    cancelled = true;
    void session.cancel();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (options.signal?.aborted) throw new Error('aborted before it started');
    await session.begin(write);
    for (const [index, statement] of split.entries()) statements.push(await session.run(statement, index, sink));
    if (!write && !(await session.stillReadOnly())) {
      await session.end(false).catch(() => undefined);
      return finish(new SqlExecutionError('READ_ONLY', undefined, 'the SQL left the read-only mode; it was rolled back. Run it with write access (--write).'));
    }
    await session.end(write);
    return finish(undefined);
  } catch (error) {
    await session.end(false).catch(() => undefined);
    if (cancelled) return finish(new SqlExecutionError('CANCELLED', undefined, 'the SQL was cancelled on the server; nothing was committed.', { cause: error }));
    const info = dialect.describeError(error, options.url);
    if (info.readOnlyViolation) {
      return finish(
        new SqlExecutionError('READ_ONLY', info.databaseCode, `${info.message}: the SQL tried to write, and nothing changed. Run it with write access (--write).`, { cause: error }),
      );
    }
    return finish(new SqlExecutionError('SQL_FAILED', info.databaseCode, `${info.message}${info.databaseCode ? ` [${info.databaseCode}]` : ''}`, { cause: error }));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await session.close();
  }
}

/**
 * Runs SQL and returns every statement's rows, the row count and the time taken: {@link streamSql}
 * collecting the rows in memory (use `streamSql` for results too large for that). Read-only
 * unless `write`. Never throws.
 */
export async function executeSql(options: ExecuteSqlOptions): Promise<ExecuteSqlResult> {
  const rows: Record<string, unknown>[][] = [];
  const result = await streamSql(options, {
    rows: (batch, index) => {
      (rows[index] ??= []).push(...batch);
    },
  });
  if (!result.ok) return { ...result, rows: [], fields: [], rowCount: null, statements: [] };
  const statements = result.statements.map((statement, index) => ({ ...statement, rows: rows[index] ?? [] }));
  return { ...result, rows: statements.at(-1)?.rows ?? [], statements };
}
