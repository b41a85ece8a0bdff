import type * as Mariadb from 'mariadb';
import { DRIVER_PACKAGES, loadDriver } from '../../drivers.js';
import { EXECUTE_BATCH_ROWS, type ExecuteDialect, type ExecuteSession, type SqlRowSink, type StatementSummary } from '../../execute/session.js';
import type { SqlStatement } from '../../split-statements.js';
import { killQuery } from './cancel.js';
import { mysqlConnectionConfig, mysqlStatementError } from './connection.js';
import { isMysqlTransactionControl, mysqlReadOnlyRefusal } from './statements.js';

/** MySQL/MariaDB error 1792, ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION. */
const READ_ONLY_TRANSACTION_ERRNO = 1792;

interface OkPacket {
  affectedRows?: number;
}

class MysqlExecuteSession implements ExecuteSession {
  constructor(
    private readonly connection: Mariadb.Connection,
    private readonly driver: typeof Mariadb,
    private readonly url: string,
  ) {}

  async begin(write: boolean): Promise<void> {
    await this.connection.query(write ? 'START TRANSACTION READ WRITE' : 'START TRANSACTION READ ONLY');
  }

  async run(statement: SqlStatement, index: number, sink: SqlRowSink): Promise<StatementSummary> {
    // queryStream: rows arrive as the server sends them; pausing the stream (for await) stops
    // reading the socket, so memory stays bounded whatever the result's size.
    const stream = this.connection.queryStream(statement.sql);
    let fields: StatementSummary['fields'] = [];
    const pending: { announced: Promise<void> | undefined } = { announced: undefined };
    stream.once('fields', (meta: Array<{ name(): string; type?: unknown; columnType?: number }>) => {
      fields = meta.map((column) => ({ name: column.name(), dataTypeId: typeof column.columnType === 'number' ? column.columnType : 0 }));
      pending.announced = Promise.resolve(sink.fields?.(fields, index));
    });
    let batch: Record<string, unknown>[] = [];
    let affected: number | null = null;
    let rowCount = 0;
    for await (const chunk of stream as AsyncIterable<Record<string, unknown> | OkPacket>) {
      if (fields.length === 0) {
        affected = Number((chunk as OkPacket).affectedRows ?? 0);
        continue;
      }
      await pending.announced;
      pending.announced = undefined;
      batch.push(chunk as Record<string, unknown>);
      rowCount++;
      if (batch.length >= EXECUTE_BATCH_ROWS) {
        await sink.rows(batch, index);
        batch = [];
      }
    }
    await pending.announced;
    if (batch.length > 0) await sink.rows(batch, index);
    const command = statement.code.split(' ')[0]!.toUpperCase();
    return { command, rowCount: fields.length > 0 ? rowCount : affected, fields };
  }

  async stillReadOnly(): Promise<boolean> {
    // A write attempt in the read-only transaction fails with 1792; one that went through a
    // statement check would have committed it (DDL), leaving autocommit: `@@in_transaction` says.
    try {
      const rows = await this.connection.query<Array<{ open: number | bigint }>>('SELECT @@in_transaction AS open');
      return Number(rows[0]?.open) === 1;
    } catch {
      // MySQL (not MariaDB) has no @@in_transaction: the statement checks are what holds there.
      return true;
    }
  }

  async end(commit: boolean): Promise<void> {
    await this.connection.query(commit ? 'COMMIT' : 'ROLLBACK');
  }

  cancel(): Promise<void> {
    return killQuery(this.driver, this.url, this.connection.threadId, 5_000);
  }

  async close(): Promise<void> {
    await this.connection.end().catch(() => this.connection.destroy());
  }
}

export const mysqlExecute: ExecuteDialect = {
  readOnlyRefusal(statement) {
    if (isMysqlTransactionControl(statement)) return 'it controls the transaction and could leave the read-only one';
    return mysqlReadOnlyRefusal(statement);
  },
  async open({ url, connectTimeoutMs, baseDir, driverDirs }) {
    const driver = await loadDriver<typeof Mariadb>(DRIVER_PACKAGES.mysql, 'mysql', [baseDir, ...driverDirs]);
    const connection = await driver.createConnection(mysqlConnectionConfig(url, connectTimeoutMs));
    connection.on('error', () => undefined);
    return new MysqlExecuteSession(connection, driver, url);
  },
  describeError(error, url) {
    const described = mysqlStatementError(error, url);
    return {
      databaseCode: described.databaseCode,
      message: described.message,
      readOnlyViolation: described.databaseCode === String(READ_ONLY_TRANSACTION_ERRNO),
    };
  },
};
