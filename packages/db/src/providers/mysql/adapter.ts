import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { ModuleLoader } from '../../adapters/module-loader.js';
import { DISPOSE_GRACE_MS } from '../dispose.js';
import type { BuiltAdapter, ProviderRequest } from '../provider.js';
import { rotatedUrl } from '../rotated-credentials.js';
import { boundQueries, withinKillTimeout, type QueryableConnection } from './bounded-query.js';
import { ConnectionSockets, type PoolEvents } from './connection-sockets.js';
import { mysqlConnectionSettings } from './url.js';

/** The part of a `mariadb` connection we use (the connector's own types stay out of our declarations). */
interface Connection extends QueryableConnection {
  release?(): Promise<void>;
  end(): Promise<void>;
}

/** The part of a `mariadb` promise pool we and the adapter use. */
interface Pool {
  readonly closed: boolean;
  totalConnections(): number;
  idleConnections(): number;
  taskQueueSize(): number;
  getConnection(): Promise<Connection>;
  query(sql: unknown, values?: unknown): Promise<unknown>;
  execute(sql: unknown, values?: unknown): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** `mariadb.createPool` options we set (the connector accepts many more). */
export type PoolConfig = Readonly<Record<string, unknown>>;

interface MariaDbModule {
  createPool(config: PoolConfig): Pool;
  createConnection(config: PoolConfig): Promise<Connection>;
}
type PrismaMariaDbClass = new (pool: FailFastPool, options: object) => SqlDriverAdapterFactory;

/** TCP keep-alive delay on every connection when `keepAlive` is on (the `mariadb` option `keepAliveDelay`). */
export const MYSQL_KEEP_ALIVE_DELAY_MS = 10_000;

/** The `mariadb` pool configuration for the resolved pool options. */
export function mysqlPoolConfig(request: ProviderRequest, url: string = request.url): PoolConfig {
  const { pool } = request;
  const settings = mysqlConnectionSettings(request.database, request.urlSource ?? 'options', url);
  return {
    ...settings,
    connectionLimit: pool.max,
    // The connector's pool opens a connection only to keep `minimumIdle` of them idle (its default
    // keeps `connectionLimit` open at all times), so 0 would never open one: at least 1.
    minimumIdle: Math.min(Math.max(pool.min, 1), pool.max),
    // Seconds; 0 never closes an idle connection. The connector reaps idle connections from an
    // interval timer it never unrefs, which keeps the process alive: with `allowExitOnIdle` it is off.
    idleTimeout: pool.allowExitOnIdle ? 0 : Math.ceil(pool.idleTimeoutMillis / 1_000),
    // One bound for waiting for a free connection and for opening one, as for pg.
    acquireTimeout: pool.connectionTimeoutMillis,
    connectTimeout: pool.connectionTimeoutMillis,
    keepAliveDelay: pool.keepAlive ? MYSQL_KEEP_ALIVE_DELAY_MS : 0,
    // What @prisma/adapter-mariadb sets on pools it creates itself (prepared statements are not cached).
    prepareCacheLength: 0,
    // The connector writes a statement's parameters (row values) into its error messages otherwise.
    logParam: false,
  };
}

/**
 * The `mariadb` pool as `@prisma/adapter-mariadb` uses it (`query`, `execute`, `getConnection`,
 * `end`), failing fast with the real cause when it has no connection at all.
 *
 * The connector's pool never reports why it cannot connect to a caller that is waiting: it
 * retries in the background and rejects the caller only when `acquireTimeout` ends, with
 * "pool timeout" (45028), and the refused connection, the wrong password or the unknown database
 * is at best a `cause`. So while the pool holds no connection, one direct connection attempt
 * (shared by every concurrent caller) runs first: its failure is the caller's error at once
 * (ECONNREFUSED, 1045, 1049… in milliseconds), its success lets the callers on to the pool. A pool
 * with a connection open serves as the connector does.
 *
 * The same when the pool has to grow for a caller (no idle connection, and room under
 * `connectionLimit` for the new connection and the attempt): the connector retries opening one in the background until
 * `acquireTimeout` while the caller waits for a busy connection to come back, and a server out of
 * connections (1040) or a password changed on the server (1045) then shows as requests served one
 * after another and a "pool fails to create connection" (45061) at the end. A direct attempt runs
 * beside the caller's wait (shared by concurrent callers); its failure is the caller's error at
 * once, as pg's pool answers a waiting caller when it cannot open a client. The pool request the
 * caller gave up is released as soon as it is served.
 *
 * A failed attempt while the pool holds no connection also retires the pool: callers queued in it when its connections died would
 * otherwise wait out `acquireTimeout`, and its own reconnect loop (every 500 ms, then backing off)
 * would delay the first answer after the server is back. Ending it rejects them at once (45037,
 * a connection failure) without running their statements; the next successful attempt starts a
 * fresh pool, which connects immediately.
 */
export class FailFastPool {
  #pool: Pool | undefined;
  #probe: Promise<void> | undefined;
  /** Callers sent to an idle connection whose acquisition has not settled yet. */
  #claimingIdle = 0;
  #growth: Promise<void> | undefined;
  #ended = false;
  readonly #retired = new Set<Promise<void>>();

  constructor(
    private readonly createPool: () => Pool,
    private readonly probe: () => Promise<Connection>,
    /** Applied to every connection handed out (the query bound). */
    private readonly prepare: (connection: Connection) => Connection = (connection) => connection,
    /** Whether the current pool's credentials are outdated (rotated in the environment): then a fresh pool is used. */
    private readonly stale: () => boolean = () => false,
    /** The pool's `connectionLimit`: below it, a caller with no idle connection waits for a new one. */
    private readonly limit: number = Number.POSITIVE_INFINITY,
  ) {
    this.#pool = createPool();
  }

  /** The current pool's counters (zeros while none is open). */
  stats(): { total: number; idle: number; waiting: number } {
    const pool = this.#pool;
    return pool
      ? { total: pool.totalConnections(), idle: pool.idleConnections(), waiting: pool.taskQueueSize() }
      : { total: 0, idle: 0, waiting: 0 };
  }

  /** The pool to use now, or the probe to wait for first. */
  private acquire(): Pool | Promise<Pool> {
    const pool = this.#pool;
    if (this.#ended) return pool ?? Promise.reject(poolClosed());
    if (pool !== undefined && !pool.closed && this.stale()) {
      // New connections must use the new credentials now: connections of the old pool finish
      // what they run and close; the new pool opens its connections with the current URL.
      this.retire();
      this.#pool = this.createPool();
      return this.#pool;
    }
    if (pool !== undefined && (pool.totalConnections() > 0 || pool.closed)) return pool;
    this.#probe ??= this.probe()
      .then(
        (connection) => {
          connection.destroy();
          if (!this.#ended) this.#pool ??= this.createPool();
        },
        (error: unknown) => {
          this.retire();
          throw error;
        },
      )
      .finally(() => {
        this.#probe = undefined;
      });
    return this.#probe.then(() => this.#pool ?? this.acquire());
  }

  private retire(): void {
    const pool = this.#pool;
    if (!pool) return;
    this.#pool = undefined;
    const ending = endPool(pool).finally(() => this.#retired.delete(ending));
    this.#retired.add(ending);
  }

  private run<T>(work: (pool: Pool) => Promise<T>): Promise<T> {
    const pool = this.acquire();
    return pool instanceof Promise ? pool.then(work) : work(pool);
  }

  getConnection(): Promise<Connection> {
    return this.run((pool) => this.fromPool(pool).then(this.prepare));
  }

  /** A connection from `pool`, or at once the reason it cannot open the one this caller waits for. */
  private fromPool(pool: Pool): Promise<Connection> {
    // The attempt is a session of its own, beside the one the pool is opening: made only while
    // both fit under the limit, so the server never sees more than `max` sessions of this pool.
    // The connector marks an idle connection taken only once its own getConnection gets to it:
    // callers routed to one are counted here, or two concurrent callers would both see it idle and
    // the second would queue behind the first instead of failing fast (seen under load).
    const idleFree = pool.idleConnections() - this.#claimingIdle;
    const mustGrow = idleFree <= 0 && pool.totalConnections() + 2 <= this.limit;
    const acquiring = pool.getConnection();
    if (!mustGrow) {
      if (idleFree > 0) {
        this.#claimingIdle += 1;
        const claimed = () => {
          this.#claimingIdle -= 1;
        };
        acquiring.then(claimed, claimed);
      }
      return acquiring;
    }
    const growth = (this.#growth ??= this.probe()
      .then((connection) => connection.destroy())
      .finally(() => {
        this.#growth = undefined;
      }));
    return new Promise<Connection>((resolve, reject) => {
      let settled = false;
      acquiring.then(
        (connection) => {
          if (!settled) {
            settled = true;
            resolve(connection);
          } else void (connection.release ? connection.release() : connection.end()).catch(() => undefined);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
      growth.catch((error: unknown) => {
        if (settled) return;
        settled = true;
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
  }

  // Through `getConnection` (what the connector's `pool.query` does inside), so every statement
  // runs on a connection we bound.
  query(sql: unknown, values?: unknown): Promise<unknown> {
    return this.onConnection((connection) => connection.query(sql, values));
  }

  execute(sql: unknown, values?: unknown): Promise<unknown> {
    return this.onConnection((connection) => connection.execute(sql, values));
  }

  private async onConnection<T>(work: (connection: Connection) => Promise<T>): Promise<T> {
    const connection = await this.getConnection();
    try {
      return await work(connection);
    } finally {
      // Released to the pool (a destroyed one is only forgotten there).
      await (connection.release ? connection.release() : connection.end()).catch(() => undefined);
    }
  }

  /** Ends the current pool and waits for retired ones (each bounded). */
  async end(): Promise<void> {
    this.#ended = true;
    this.retire();
    await Promise.all([...this.#retired]);
  }
}

/** What the connector itself throws for a closed pool (45027), for calls after `end()`. */
function poolClosed(): Error {
  return Object.assign(new Error('pool is already closed'), { errno: 45027, code: 'ER_POOL_ALREADY_CLOSED', sqlState: 'HY000', sqlMessage: 'pool is already closed' });
}

/** `@prisma/adapter-mariadb` over a `mariadb` pool we configure and own (the adapter takes a pool). */
export function buildMysqlAdapter(request: ProviderRequest, loader: ModuleLoader): BuiltAdapter {
  const { module, entry } = loader.loadAdapter<{ PrismaMariaDb: PrismaMariaDbClass }>(
    '@prisma/adapter-mariadb',
    request.database,
    request.provider,
    'PrismaMariaDb',
  );
  // The connector the adapter itself uses, so both agree on error classes and protocol details.
  const mariadb = loader.loadDependencyOf<MariaDbModule>(entry, 'mariadb', 'createPool');
  let config = mysqlPoolConfig(request);
  // The URL the current pool was built with: a rotated password (same server and database, other
  // credentials) in the environment makes the next acquisition use a fresh pool with it.
  let poolUrl = request.url;
  const kills = new Set<Promise<void>>();
  const running = new Set<QueryableConnection>();
  const kill = async (threadId: number) => {
    // Another connection, as the server answers it: `KILL QUERY` stops the statement, keeps the session.
    const admin = await mariadb.createConnection(config);
    try {
      await admin.query(`KILL QUERY ${Math.trunc(threadId)}`);
    } finally {
      await admin.end().catch(() => admin.destroy());
    }
  };
  const sockets = new ConnectionSockets((threadId) => withinKillTimeout(kill(threadId)));
  const createPool = () => {
    const rotated = rotatedUrl(request, poolUrl);
    if (rotated !== undefined) {
      try {
        config = mysqlPoolConfig(request, rotated);
        poolUrl = rotated;
      } catch {
        // A URL that does not parse is the rebuild's to report; this pool keeps the old one.
      }
    }
    const pool = mariadb.createPool(config);
    sockets.track(pool as unknown as PoolEvents);
    // The pool emits `error` when it fails to open connections in the background; without a
    // listener that would crash the process.
    pool.on('error', request.onConnectionError);
    reportIdleErrors(pool, request.onConnectionError);
    if (request.pool.allowExitOnIdle) letExitWhileIdle(pool);
    return pool;
  };
  const bound = (connection: Connection) =>
    boundQueries(connection, {
      queryTimeoutMs: request.pool.queryTimeoutMillis,
      kill,
      cut: (busy, reason) => sockets.cut(busy, reason),
      onTimeout: request.onConnectionError,
      kills,
      running,
    });
  const facade = new FailFastPool(
    createPool,
    () => mariadb.createConnection(config),
    bound,
    () => rotatedUrl(request, poolUrl) !== undefined,
    request.pool.max,
  );
  const factory = new module.PrismaMariaDb(facade, { onConnectionError: request.onConnectionError });
  let ended: Promise<void> | undefined;
  return {
    factory,
    stats: () => facade.stats(),
    dispose: () =>
      (ended ??= facade
        .end()
        // Past the grace period: statements still running are killed on the server (the socket
        // going away does not stop them there), then their connections cut.
        .then(async () => {
          const left = [...running];
          await Promise.all(left.map((connection) => (typeof connection.threadId === 'number' ? withinKillTimeout(kill(connection.threadId)) : Promise.resolve())));
          await Promise.all(left.map((connection) => sockets.cut(connection, new Error('the pool was closed while this statement was running'))));
        })
        .then(() => Promise.all([...kills]).then(() => undefined))),
  };
}

/** The part of the connector's base connection the pool's events hand out. */
interface PooledConnection {
  readonly socket?: { ref(): void; unref(): void };
  on(event: 'error', listener: (error: Error) => void): unknown;
}

type PooledEvents = { on(event: 'connection' | 'acquire' | 'release', listener: (connection: PooledConnection) => void): void };

/**
 * Like pg's pool `error` event for idle clients: a pooled connection that dies while idle (the
 * server's `wait_timeout`, a killed session, a restart) is reported, so the next call checks. The
 * connector only drops it from the pool, silently. Errors of connections in use reach their query.
 */
function reportIdleErrors(pool: Pool, report: (error: Error) => void): void {
  const events = pool as unknown as PooledEvents;
  const inUse = new WeakSet<PooledConnection>();
  events.on('acquire', (connection) => inUse.add(connection));
  events.on('release', (connection) => inUse.delete(connection));
  events.on('connection', (connection) =>
    connection.on('error', (error) => {
      if (!inUse.has(connection)) report(error);
    }),
  );
}

/** Like pg's `allowExitOnIdle`: idle connections' sockets do not keep the process alive; one in use does. */
function letExitWhileIdle(pool: Pool): void {
  const events = pool as unknown as PooledEvents;
  events.on('connection', (connection) => connection.socket?.unref());
  events.on('release', (connection) => connection.socket?.unref());
  events.on('acquire', (connection) => connection.socket?.ref());
}

/**
 * `pool.end()` waits for connections in use to come back; one stuck on a peer that never answers
 * would hold it. Past the grace period the pool is left to its sockets' own timeouts.
 */
async function endPool(pool: Pool): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, DISPOSE_GRACE_MS).unref();
  });
  try {
    await Promise.race([pool.end().catch(() => undefined), grace]);
  } finally {
    clearTimeout(timer);
  }
}
