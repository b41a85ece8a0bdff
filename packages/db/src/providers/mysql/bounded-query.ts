/**
 * A query that got no answer within `pool.queryTimeoutMillis`: its connection was destroyed (the
 * pool slot freed) and the query killed on the server (`KILL QUERY`) where it still answers.
 * Shaped as the connector's own socket timeout (45026, SQLSTATE 08S01), which the provider
 * classifies as a timeout.
 */
export class MysqlQueryTimeoutError extends Error {
  override readonly name = 'QueryTimeoutError';
  readonly errno = 45026;
  readonly code = 'ER_SOCKET_TIMEOUT';
  readonly sqlState = '08S01';
  readonly sqlMessage: string;

  constructor(readonly timeoutMs: number) {
    const message =
      `no answer to a query within ${timeoutMs} ms (pool.queryTimeoutMillis): the connection was closed and the query killed on the server. ` +
      'Raise queryTimeoutMillis for queries that are meant to run longer.';
    super(message);
    this.sqlMessage = message;
  }
}

/** How long a `KILL QUERY` may take (connect included) before we stop waiting. */
export const MYSQL_KILL_TIMEOUT_MS = 2_000;

/** The part of a `mariadb` pooled connection bounded here. */
export interface QueryableConnection {
  readonly threadId: number | null;
  query(sql: unknown, values?: unknown): Promise<unknown>;
  execute(sql: unknown, values?: unknown): Promise<unknown>;
  destroy(): void;
}

export interface QueryBoundOptions {
  /** Bound on each query, in ms; 0 leaves queries unbounded. */
  readonly queryTimeoutMs: number;
  /** Runs `KILL QUERY <threadId>` on a new connection; may reject. */
  readonly kill: (threadId: number) => Promise<void>;
  /** Closes a connection given up on (see `ConnectionSockets.cut`). */
  readonly cut: (connection: QueryableConnection, reason: Error) => Promise<void>;
  /** A connection given up on after a query timeout (being cut off). */
  readonly onTimeout: (error: MysqlQueryTimeoutError) => void;
  /** Kills and cuts in flight, so disposing the pool can wait for them. */
  readonly kills: Set<Promise<void>>;
  /** Connections with a statement running now (kept up to date here), for a shutdown deadline. */
  readonly running: Set<QueryableConnection>;
}

const bounded = new WeakSet<object>();

/**
 * Bounds `connection`'s `query` and `execute` (once per connection object): past the bound the
 * caller gets {@link MysqlQueryTimeoutError}, the query is killed on the server from another
 * connection, and the connection is destroyed, which frees its pool slot. The connector's
 * `socketTimeout` would also close idle pooled connections, and its `queryTimeout` is enforced by
 * the server, which a silent socket never hears from.
 */
export function boundQueries<C extends QueryableConnection>(connection: C, options: QueryBoundOptions): C {
  if (bounded.has(connection)) return connection;
  bounded.add(connection);
  const query = connection.query.bind(connection);
  const execute = connection.execute.bind(connection);
  let givenUp: MysqlQueryTimeoutError | undefined;
  // The driver is called only here, once we know the connection was not given up: a command sent
  // to a destroyed connection rejects ("connection closed"), and nobody would handle that rejection
  // (the adapter's ROLLBACK after a timed-out statement in an interactive transaction did that).
  const run = (send: () => Promise<unknown>): Promise<unknown> => {
    if (givenUp) return Promise.reject(givenUp);
    const work = send();
    const threadId = connection.threadId;
    options.running.add(connection);
    return new Promise((resolve, reject) => {
      const timer = options.queryTimeoutMs <= 0 ? undefined : setTimeout(() => {
        const error = (givenUp ??= new MysqlQueryTimeoutError(options.queryTimeoutMs));
        // Kill first: the server keeps running the query after our socket is gone.
        const kill = typeof threadId === 'number' ? withinKillTimeout(options.kill(threadId)) : Promise.resolve();
        const cut = options.cut(connection, error).catch(() => undefined);
        const settled = Promise.all([kill, cut]).then(() => undefined);
        options.kills.add(settled);
        void settled.finally(() => options.kills.delete(settled));
        options.onTimeout(error);
        options.running.delete(connection);
        reject(error);
      }, options.queryTimeoutMs);
      timer?.unref();
      work.then(
        (value) => {
          clearTimeout(timer);
          options.running.delete(connection);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          options.running.delete(connection);
          // After a timeout the caller already has its error; the destroyed command's is dropped.
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the driver's error, passed on as it is
          reject(givenUp ?? error);
        },
      );
    });
  };
  Object.assign(connection, {
    query: (sql: unknown, values?: unknown) => run(() => query(sql, values)),
    execute: (sql: unknown, values?: unknown) => run(() => execute(sql, values)),
  });
  return connection;
}

export function withinKillTimeout(kill: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, MYSQL_KILL_TIMEOUT_MS).unref();
  });
  return Promise.race([kill.catch(() => undefined), limit]).finally(() => clearTimeout(timer));
}
