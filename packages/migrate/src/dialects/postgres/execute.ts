import { scrubSecrets } from '@kusto/db';
import type pg from 'pg';
import type PgCursor from 'pg-cursor';
import { DRIVER_PACKAGES, loadDriver } from '../../drivers.js';
import { EXECUTE_BATCH_ROWS, type ExecuteDialect, type ExecuteSession, type SqlRowSink, type StatementSummary } from '../../execute/session.js';
import type { SqlStatement } from '../../split-statements.js';
import { cancelBackend } from './cancel.js';
import { splitSchemaParameter } from './connection.js';
import { postgresSideEffectRefusal } from './read-only-guard.js';
import { isPostgresTransactionControl } from './statements.js';

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

class PostgresExecuteSession implements ExecuteSession {
  constructor(
    private readonly client: pg.Client,
    private readonly Cursor: typeof PgCursor,
    private readonly pgModule: typeof pg,
    private readonly url: string,
    private readonly schema: string,
  ) {}

  async begin(write: boolean): Promise<void> {
    // Everything, the search path included, happens inside one transaction: through a transaction
    // pooler a transaction is the unit that stays on one server connection, and `SET LOCAL` ends
    // with it instead of lingering on a server connection others share.
    await this.client.query(write ? 'BEGIN READ WRITE' : 'BEGIN READ ONLY');
    await this.client.query(`SET LOCAL search_path TO "${this.schema.replaceAll('"', '""')}"`);
  }

  async run(statement: SqlStatement, index: number, sink: SqlRowSink): Promise<StatementSummary> {
    // A cursor (extended protocol, a named portal): rows come EXECUTE_BATCH_ROWS at a time, so a
    // result of any size never sits in memory whole.
    const cursor = this.client.query(new this.Cursor(statement.sql));
    let announced = false;
    let delivered = 0;
    let result: pg.QueryResult | undefined;
    for (;;) {
      const { rows, res } = await new Promise<{ rows: Record<string, unknown>[]; res: pg.QueryResult | undefined }>((resolve, reject) =>
        cursor.read(EXECUTE_BATCH_ROWS, (error: Error | undefined, rows: Record<string, unknown>[], res?: pg.QueryResult) =>
          error ? reject(error) : resolve({ rows, res }),
        ),
      );
      result = res ?? result;
      const fields = (result?.fields ?? []).map((field) => ({ name: field.name, dataTypeId: field.dataTypeID }));
      if (!announced && fields.length > 0) {
        announced = true;
        await sink.fields?.(fields, index);
      }
      if (rows.length === 0) break;
      delivered += rows.length;
      await sink.rows(rows, index);
    }
    await cursor.close();
    const internal = (cursor as unknown as { _result?: pg.QueryResult })._result;
    const final = internal ?? result;
    const returnsRows = (final?.fields ?? []).length > 0;
    return {
      command: final?.command ?? statement.code.split(' ')[0]!.toUpperCase(),
      // A portal read in pieces reports the last piece's count: count what was delivered instead.
      rowCount: returnsRows ? delivered : (final?.rowCount ?? null),
      fields: (final?.fields ?? []).map((field) => ({ name: field.name, dataTypeId: field.dataTypeID })),
    };
  }

  async stillReadOnly(): Promise<boolean> {
    const mode = await this.client.query<{ transaction_read_only: string }>('SHOW transaction_read_only');
    return mode.rows[0]?.transaction_read_only === 'on';
  }

  async end(commit: boolean): Promise<void> {
    await this.client.query(commit ? 'COMMIT' : 'ROLLBACK');
  }

  cancel(): Promise<void> {
    return cancelBackend(this.pgModule, this.url, (this.client as unknown as { processID?: number }).processID);
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

export const postgresExecute: ExecuteDialect = {
  readOnlyRefusal(statement) {
    if (isPostgresTransactionControl(statement) || changesReadOnlyMode(statement.code)) return 'it controls the transaction and could leave the read-only one';
    return postgresSideEffectRefusal(statement);
  },
  async open({ url: rawUrl, connectTimeoutMs, baseDir, driverDirs }) {
    const pgModule = await loadDriver<typeof pg>(DRIVER_PACKAGES.postgresql, 'postgresql', [baseDir, ...driverDirs]);
    const Cursor = await loadDriver<typeof PgCursor>(DRIVER_PACKAGES.postgresqlCursor, 'postgresql', [baseDir, ...driverDirs]);
    const { url, schema } = splitSchemaParameter(rawUrl);
    const client = new pgModule.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs, application_name: 'kusto-db execute' });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return new PostgresExecuteSession(client, Cursor, pgModule, rawUrl, schema);
  },
  describeError(error, url) {
    const code = (error as { code?: unknown }).code;
    const databaseCode = typeof code === 'string' ? code : undefined;
    return { databaseCode, message: scrubSecrets((error as Error).message ?? String(error), url), readOnlyViolation: databaseCode === '25006' };
  },
};
