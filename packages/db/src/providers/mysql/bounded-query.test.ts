import { describe, expect, test } from '@jest/globals';
import { boundQueries, MysqlQueryTimeoutError, type QueryBoundOptions, type QueryableConnection } from './bounded-query.js';

/** A pooled connection that never answers and, once destroyed, rejects every command as the connector does. */
function silentConnection() {
  const sent: string[] = [];
  let destroyed = false;
  const connection: QueryableConnection = {
    threadId: 7,
    query(sql: unknown) {
      sent.push(String(sql));
      return destroyed ? Promise.reject(new Error('Cannot execute new commands: connection closed')) : new Promise(() => undefined);
    },
    execute(sql: unknown) {
      return this.query(sql);
    },
    destroy() {
      destroyed = true;
    },
  };
  return { connection, sent };
}

function options(overrides: Partial<QueryBoundOptions> = {}): QueryBoundOptions {
  return {
    queryTimeoutMs: 5,
    kill: () => Promise.resolve(),
    cut: (connection) => {
      connection.destroy();
      return Promise.resolve();
    },
    onTimeout: () => undefined,
    kills: new Set(),
    running: new Set(),
    ...overrides,
  };
}

describe('boundQueries', () => {
  test('a command after the timeout (the adapter’s ROLLBACK) is refused without reaching the destroyed connection', async () => {
    const { connection, sent } = silentConnection();
    const bounded = boundQueries(connection, options());
    await expect(bounded.query('SELECT SLEEP(2)')).rejects.toBeInstanceOf(MysqlQueryTimeoutError);

    // Before the fix the driver was called first and its "connection closed" rejection had no handler.
    await expect(bounded.query('ROLLBACK')).rejects.toBeInstanceOf(MysqlQueryTimeoutError);
    await expect(bounded.execute('ROLLBACK')).rejects.toBeInstanceOf(MysqlQueryTimeoutError);
    expect(sent).toEqual(['SELECT SLEEP(2)']);
  });

  test('the timeout kills the statement on the server and cuts the connection once', async () => {
    const { connection } = silentConnection();
    const killed: number[] = [];
    const timeouts: MysqlQueryTimeoutError[] = [];
    const running = new Set<QueryableConnection>();
    const bounded = boundQueries(connection, options({ kill: (id) => (killed.push(id), Promise.resolve()), onTimeout: (error) => timeouts.push(error), running }));
    const pending = bounded.query('SELECT SLEEP(2)');
    expect(running.has(connection)).toBe(true);
    await expect(pending).rejects.toThrow('no answer to a query within 5 ms');
    expect(killed).toEqual([7]);
    expect(timeouts).toHaveLength(1);
    expect(running.size).toBe(0);
  });
});
