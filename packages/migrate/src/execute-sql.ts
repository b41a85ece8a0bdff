import { performance } from 'node:perf_hooks';
import { scrubSecrets } from '@kusto/db';
import pg from 'pg';
import { ConnectionFailedError, MigrationError } from './errors.js';
import { isPostgresTransactionControl } from './dialects/postgres/statements.js';
import { splitSchemaParameter } from './dialects/postgres/connection.js';
import { splitSqlStatements } from './split-statements.js';

/** Defaults of {@link ExecuteSqlOptions}. */
export const EXECUTE_SQL_DEFAULTS = {
  write: false,
  connectTimeoutMs: 10_000,
} as const;

/**
 * Statements that change the transaction or session access mode: `SET [SESSION|LOCAL]
 * transaction_read_only` / `default_transaction_read_only`, `SET TRANSACTION …`, `SET SESSION
 * CHARACTERISTICS …`, their `RESET`, and `set_config()` on those settings.
 */
export function changesReadOnlyMode(code: string): boolean {
  return (
    /^\s*(set|reset)\s+((session|local)\s+)?(transaction\b|session\s+characteristics\b|(default_)?transaction_read_only\b|all\b)/i.test(code) ||
    /\bset_config\s*\(\s*'(default_)?transaction_read_only'/i.test(code)
  );
}

/** Options of {@link executeSql}. */
export interface ExecuteSqlOptions {
  /** Connection URL (Postgres); Prisma's `schema` parameter sets the search path. Never echoed. */
  readonly url: string;
  /** The SQL, run exactly as given (several statements separated by `;` are allowed). */
  readonly sql: string;
  /**
   * Allow writes. Default `false` ({@link EXECUTE_SQL_DEFAULTS}): the SQL runs in a `READ ONLY`
   * transaction, so a write fails with SQLSTATE 25006 and nothing changes; transaction control and
   * anything that changes the access mode (`COMMIT`, `SET TRANSACTION`, `SET transaction_read_only`,
   * `set_config(…)`) is refused, and the mode is checked again before the transaction is rolled
   * back. For a hard guarantee give the tool a read-only database role.
   */
  readonly write?: boolean | undefined;
  /** Name for messages. Default: the URL's database name. */
  readonly database?: string | undefined;
  /** Connect timeout. Default 10 000 ms ({@link EXECUTE_SQL_DEFAULTS}). */
  readonly connectTimeoutMs?: number | undefined;
  /** Monotonic milliseconds for `durationMs`. Default `performance.now`. */
  readonly monotonic?: (() => number) | undefined;
}

/** One column of a result set. */
export interface ExecuteSqlField {
  readonly name: string;
  /** The database's type id (Postgres OID). */
  readonly dataTypeId: number;
}

/** The result of one statement. */
export interface ExecuteSqlStatementResult {
  /** `SELECT`, `INSERT`, … as the database reported it. */
  readonly command: string;
  readonly rows: readonly Record<string, unknown>[];
  readonly fields: readonly ExecuteSqlField[];
  /** Rows returned or affected, as the database reported it (`null` for commands without a count). */
  readonly rowCount: number | null;
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
  /** Why it failed: `READ_ONLY` (a write without `write`), `SQL_FAILED`, `CONNECTION_FAILED`. Nothing was committed then. */
  readonly error: SqlExecutionError | ConnectionFailedError | undefined;
}

/** The SQL failed in the database, or was refused before running. */
export class SqlExecutionError extends MigrationError {
  constructor(
    code: 'SQL_FAILED' | 'READ_ONLY',
    readonly databaseCode: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

function databaseName(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'database';
  } catch {
    return 'database';
  }
}

function toStatementResult(result: pg.QueryResult): ExecuteSqlStatementResult {
  return {
    command: result.command,
    rows: result.rows as Record<string, unknown>[],
    fields: (result.fields ?? []).map((field) => ({ name: field.name, dataTypeId: field.dataTypeID })),
    rowCount: result.rowCount,
  };
}

/**
 * Runs SQL against a Postgres database and returns the rows, the row count and the time taken.
 * Read-only unless `write` is set. Never throws: failures come back in `error`, with the
 * password removed from every message.
 */
export async function executeSql(options: ExecuteSqlOptions): Promise<ExecuteSqlResult> {
  const write = options.write ?? EXECUTE_SQL_DEFAULTS.write;
  const monotonic = options.monotonic ?? (() => performance.now());
  const database = options.database ?? databaseName(options.url);
  const started = monotonic();
  const finish = (statements: ExecuteSqlStatementResult[], error: ExecuteSqlResult['error']): ExecuteSqlResult => {
    const last = statements.at(-1);
    return {
      ok: error === undefined,
      write,
      rows: last?.rows ?? [],
      fields: last?.fields ?? [],
      rowCount: last?.rowCount ?? null,
      statements,
      durationMs: monotonic() - started,
      error,
    };
  };

  if (!write) {
    const control = splitSqlStatements(options.sql).find(
      (statement) => isPostgresTransactionControl(statement) || changesReadOnlyMode(statement.code),
    );
    if (control) {
      return finish(
        [],
        new SqlExecutionError(
          'READ_ONLY',
          undefined,
          `"${control.code.slice(0, 60)}" controls the transaction and could leave the read-only one; nothing ran. Run it with write access (--write).`,
        ),
      );
    }
  }

  const { url, schema } = splitSchemaParameter(options.url);
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? EXECUTE_SQL_DEFAULTS.connectTimeoutMs,
    application_name: 'kusto-db execute',
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    return finish([], new ConnectionFailedError(database, scrubSecrets((error as Error).message, options.url), { cause: error }));
  }
  try {
    // Everything, the search path included, happens inside one transaction: through a transaction
    // pooler a transaction is the unit that stays on one server connection, and `SET LOCAL` ends
    // with it instead of lingering on a server connection others share.
    await client.query(write ? 'BEGIN READ WRITE' : 'BEGIN READ ONLY');
    await client.query(`SET LOCAL search_path TO "${schema.replaceAll('"', '""')}"`);
    let results: pg.QueryResult | pg.QueryResult[];
    try {
      // Without parameters pg uses the simple query protocol, so the text runs as given, `;` and all.
      results = (await client.query(options.sql)) as pg.QueryResult | pg.QueryResult[];
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      const code = (error as { code?: unknown }).code;
      const databaseCode = typeof code === 'string' ? code : undefined;
      const message = scrubSecrets((error as Error).message, options.url);
      return finish(
        [],
        databaseCode === '25006'
          ? new SqlExecutionError('READ_ONLY', databaseCode, `${message}: the SQL tried to write, and nothing changed. Run it with write access (--write).`, { cause: error })
          : new SqlExecutionError('SQL_FAILED', databaseCode, `${message}${databaseCode ? ` [${databaseCode}]` : ''}`, { cause: error }),
      );
    }
    if (!write) {
      // Belt and braces for a way around the statement check: still read-only, or nothing counts.
      const mode = await client.query<{ transaction_read_only: string }>('SHOW transaction_read_only');
      if (mode.rows[0]?.transaction_read_only !== 'on') {
        await client.query('ROLLBACK').catch(() => undefined);
        return finish([], new SqlExecutionError('READ_ONLY', undefined, 'the SQL left the read-only mode; it was rolled back. Run it with write access (--write).'));
      }
    }
    await client.query(write ? 'COMMIT' : 'ROLLBACK');
    return finish((Array.isArray(results) ? results : [results]).map(toStatementResult), undefined);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return finish(
      [],
      new SqlExecutionError('SQL_FAILED', typeof code === 'string' ? code : undefined, scrubSecrets((error as Error).message, options.url), {
        cause: error,
      }),
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
