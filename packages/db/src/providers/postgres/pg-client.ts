import { constants as osConstants } from 'node:os';
import type pg from 'pg';

/**
 * A query that got no answer within `pool.queryTimeoutMillis`: its connection was closed (the pool
 * slot freed) and the query cancelled on the server where it still answers. Shaped as a socket
 * timeout (`ETIMEDOUT`), which `@prisma/adapter-pg` maps to `SocketTimeout`.
 */
export class QueryTimeoutError extends Error {
  override readonly name = 'QueryTimeoutError';
  readonly code = 'ETIMEDOUT';
  readonly errno = -(osConstants.errno.ETIMEDOUT ?? 110);
  readonly syscall = 'read';

  constructor(readonly timeoutMs: number) {
    super(
      `no answer to a query within ${timeoutMs} ms (pool.queryTimeoutMillis): the connection was closed and the query cancelled on the server. ` +
        'Raise queryTimeoutMillis for queries that are meant to run longer.',
    );
  }
}

/** How long a cancel request may take (connect, send, the server closing) before we stop waiting. */
export const CANCEL_TIMEOUT_MS = 2_000;

/**
 * pg 8 internals read here: `connection` (its `stream`, `connect`, `cancel`), `_activeQuery`
 * (the public `activeQuery` getter prints a deprecation warning since 8.2x), `processID` and
 * `secretKey` (the backend key a cancel request carries), `host` and `port`.
 */
interface ClientInternals {
  readonly connection?: PgConnection;
  readonly _activeQuery?: unknown;
  readonly processID?: number | null;
  readonly secretKey?: unknown;
  readonly host?: string;
  readonly port?: number;
}

interface PgConnection extends NodeJS.EventEmitter {
  readonly stream: NodeJS.EventEmitter & { destroy(error?: Error): void };
  connect(portOrPath: number | string, host?: string): void;
  cancel(processID: number, secretKey: unknown): void;
}

const internals = (client: pg.Client) => client as unknown as ClientInternals;

/** Whether a query of `client` is on the wire right now. */
export function hasActiveQuery(client: pg.Client): boolean {
  const { _activeQuery: active, processID } = internals(client);
  return active !== undefined && active !== null && typeof processID === 'number';
}

/** Destroys `client`'s socket at once; its pending queries fail with `error` and the pool drops it. */
export function destroyConnection(client: pg.Client, error?: Error): void {
  internals(client).connection?.stream?.destroy(error);
}

/**
 * Asks the server to cancel what `client` is running (the protocol's CancelRequest, on a new
 * connection: what `pg_cancel_backend` does, and it works through PgBouncer). Resolves when the
 * server closed that connection or after {@link CANCEL_TIMEOUT_MS}; never rejects.
 */
export function cancelActiveQuery(Client: typeof pg.Client, config: pg.ClientConfig, client: pg.Client): Promise<void> {
  if (!hasActiveQuery(client)) return Promise.resolve();
  const { processID, secretKey } = internals(client);
  const canceller = internals(new Client(config));
  const connection = canceller.connection!;
  return new Promise<void>((resolve) => {
    let timer: NodeJS.Timeout | undefined = undefined;
    const finish = () => {
      clearTimeout(timer);
      connection.stream.destroy();
      resolve();
    };
    timer = setTimeout(finish, CANCEL_TIMEOUT_MS);
    timer.unref();
    connection.on('error', finish);
    connection.on('end', finish);
    connection.stream.once('close', finish);
    // What pg's own `Client#cancel` does (which reads the deprecated getter): connect as a new
    // client would (TLS included), then send the backend key.
    connection.once('connect', () => connection.cancel(processID!, secretKey));
    try {
      const host = canceller.host ?? 'localhost';
      if (host.startsWith('/')) connection.connect(`${host}/.s.PGSQL.${canceller.port}`);
      else connection.connect(canceller.port ?? 5432, host);
    } catch {
      finish();
    }
  });
}

export interface BoundedClientOptions {
  /** Bound on each query, in ms; 0 leaves queries unbounded. */
  readonly queryTimeoutMs: number;
  /** The connection string a new connection uses now (fresh credentials), or undefined for the pool's. */
  readonly connectionString: () => string | undefined;
  /** A connection given up on after a query timeout (already being closed). */
  readonly onTimeout: (error: QueryTimeoutError) => void;
  /** Where cancels in flight are kept, so disposing the pool can wait for them. */
  readonly cancels: Set<Promise<void>>;
}

type QueryArgs = unknown[];

/**
 * pg's `Client` for the pools we own, with two additions:
 * - every new connection reads its connection string when it is opened, so a password rotated in
 *   the environment is used by the very next connection (not only after a rebuild);
 * - every query is bounded: past `queryTimeoutMs` without an answer, the query is cancelled on the
 *   server and the connection destroyed, so its callers get {@link QueryTimeoutError} and the
 *   pool removes the connection. pg's own `query_timeout` rejects the caller but keeps the socket,
 *   whose next query then waits behind the lost one, and leaves the query running on the server.
 */
export function boundedClientClass(Base: typeof pg.Client, options: BoundedClientOptions): typeof pg.Client {
  class KustoPgClient extends Base {
    private readonly kustoConfig: pg.ClientConfig;
    private givenUp = false;

    constructor(config: pg.ClientConfig) {
      const url = options.connectionString();
      const effective = url === undefined ? config : { ...config, connectionString: url };
      super(effective);
      this.kustoConfig = effective;
    }

    // @ts-expect-error pg's overloads; every form is passed through unchanged.
    override query(...args: QueryArgs): unknown {
      const timeoutMs = options.queryTimeoutMs;
      const first = args[0] as { submit?: unknown } | undefined;
      // Submittables (pg-cursor, pg-query-stream) manage their own life: left as they are.
      if (timeoutMs <= 0 || (typeof first === 'object' && first !== null && typeof first.submit === 'function')) {
        return (super.query as (...a: QueryArgs) => unknown)(...args);
      }
      const timer = setTimeout(() => this.giveUp(timeoutMs), timeoutMs);
      timer.unref();
      const done = () => clearTimeout(timer);
      const settled =
        (callback: unknown) =>
        (...results: unknown[]) => {
          done();
          (callback as (...r: unknown[]) => void)(...results);
        };
      // The three ways pg takes a callback: last argument, `config.callback`, or none (a promise).
      const last = args.length - 1;
      if (typeof args[last] === 'function') args[last] = settled(args[last]);
      else if (typeof first === 'object' && first !== null && typeof (first as { callback?: unknown }).callback === 'function') {
        args[0] = { ...first, callback: settled((first as { callback: unknown }).callback) };
      }
      let result: unknown;
      try {
        result = (super.query as (...a: QueryArgs) => unknown)(...args);
      } catch (error) {
        done();
        throw error;
      }
      if (result !== undefined && result !== null && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(done, done);
      return result;
    }

    private giveUp(timeoutMs: number): void {
      if (this.givenUp) return;
      this.givenUp = true;
      const error = new QueryTimeoutError(timeoutMs);
      // Cancel first: it needs this connection's backend key, and the server keeps running the
      // query after our socket is gone (it only notices when it next writes to it).
      const self = this as unknown as pg.Client;
      const cancel = cancelActiveQuery(Base, this.kustoConfig, self).finally(() => options.cancels.delete(cancel));
      options.cancels.add(cancel);
      options.onTimeout(error);
      destroyConnection(self, error);
    }
  }
  return KustoPgClient as unknown as typeof pg.Client;
}
