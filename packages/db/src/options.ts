import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { RootLayout } from './discovery/discover.js';
import type { ProfileName, ProfileOption } from './profiles/profile.js';
import type { DatabaseRegistry } from './registry/registry.js';

/**
 * Pool settings for databases whose pool we own: `postgresql`/`cockroachdb` (pg) and `mysql` (the
 * `mariadb` connector); for `sqlite` only `connectionTimeoutMillis` applies (the busy timeout).
 * See the README's provider table for how each maps onto its driver. "traditional"/"serverless"
 * below are the pool profile (`poolProfile`: serverless only on a function platform). Precedence, lowest first:
 * profile defaults, URL parameters (`connection_limit`, `pool_timeout`, `connect_timeout`),
 * the manager's `pool`, the database's `pool`.
 */
export interface PoolOptions {
  /** Most open connections. Default 10 (traditional), 2 (serverless). URL: `connection_limit`. */
  readonly max?: number;
  /** Connections kept open while idle. Default 0 (MySQL: at least 1, the connector opens connections only to keep that many idle). */
  readonly min?: number;
  /** Close a connection idle this long. Default 30 000 ms (traditional), 5 000 ms (serverless). */
  readonly idleTimeoutMillis?: number;
  /**
   * Give up acquiring a connection (waiting for a free one and opening it) after this long.
   * Default 5 000 ms; never 0, which in pg waits forever on a server that never answers.
   * URL: the larger of `pool_timeout` and `connect_timeout` (seconds), since pg has one timeout for both.
   * MySQL: both `acquireTimeout` and `connectTimeout`. SQLite: the busy timeout (how long a statement
   * waits for another connection's lock; better-sqlite3 blocks the event loop meanwhile).
   */
  readonly connectionTimeoutMillis?: number;
  /** Let the process exit while the pool is idle. Default false (traditional), true (serverless). */
  readonly allowExitOnIdle?: boolean;
  /** TCP keep-alive on every connection, so dead peers are noticed. Default true. */
  readonly keepAlive?: boolean;
  /** Close a connection after it has lived this long, in seconds (0 = never). Default 0. */
  readonly maxLifetimeSeconds?: number;
  /**
   * Bound on every query, in ms, measured in this process (0 = unbounded). A query without an
   * answer for this long (a socket a NAT or load balancer dropped without a FIN/RST, a server
   * frozen mid-query) fails with a timeout, which the middleware answers with 503; its connection
   * is closed, freeing the pool slot, and the query is cancelled on the server where it still
   * answers (a cancel request, which also works through PgBouncer). Raise it for queries meant to
   * run longer (reports), per database. Default 10 000 ms.
   */
  readonly queryTimeoutMillis?: number;
}

/** What a custom adapter factory receives. */
export interface AdapterContext {
  readonly database: string;
  readonly provider: string;
  readonly url: string;
  readonly pool: Readonly<Required<PoolOptions>>;
  /** Call with errors the driver reports on idle connections: the database is checked on the next call. */
  readonly onConnectionError: (error: Error) => void;
}

/**
 * Builds a Prisma driver adapter factory for one database (Neon, PlanetScale, a custom pool…).
 * Synchronous, so `getClientSync` can use it: adapter factories connect lazily anyway.
 */
export type AdapterFactory = (context: AdapterContext) => SqlDriverAdapterFactory;

/** Health and recovery settings; each can be set for the manager and overridden per database. */
export interface HealthOptions {
  /** Trust a successful check this long before checking again. Default 60 000 ms (traditional), 15 000 ms (serverless). */
  readonly checkIntervalMs?: number;
  /** Bound on one health check (`SELECT 1`). Default 2 000 ms. */
  readonly checkTimeoutMs?: number;
  /** Rebuild attempts after a failed check before the circuit opens. Default 3 (traditional), 1 (serverless). */
  readonly maxRetries?: number;
  /** First backoff between rebuild attempts, doubled each time, with jitter. Default 100 ms. */
  readonly retryDelayMs?: number;
  /** Upper bound of one backoff. Default 2 000 ms. */
  readonly maxRetryDelayMs?: number;
  /**
   * How long the circuit stays open after a failed check before one caller probes again; each
   * opening lasts a random time in `[⅔ · cooldownMs, cooldownMs]` (jitter, so a fleet does not
   * probe in lockstep). A probe against a down server costs one refused or timed-out connect, so
   * the default keeps recovery within about a second of the server accepting again, however long
   * the outage, with at most two connection attempts per second per process. Default 750 ms.
   */
  readonly cooldownMs?: number;
  /**
   * Upper bound of the cooldown, which doubles per failed probe past `fastRecoveryWindowMs` when
   * set above `cooldownMs`. Also about the longest a recovered server waits for the first probe.
   * Default 750 ms.
   */
  readonly maxCooldownMs?: number;
  /**
   * For this long into an outage the cooldown does not grow: a restart or failover, which takes
   * seconds, is noticed within one `cooldownMs`. Past it the cooldown doubles per failed probe.
   * Default 10 000 ms.
   */
  readonly fastRecoveryWindowMs?: number;
}

export interface DatabaseOptions extends HealthOptions {
  /** The URL itself. Default: read from `urlEnv`. */
  readonly url?: string;
  /** Variable holding the URL. Default `RDS_<NAME>_URL`, or `X` for a schema with `url = env("X")`. */
  readonly urlEnv?: string;
  /**
   * A URL straight to the server, for work that needs a whole session when `url` goes through a
   * transaction pooler (PgBouncer, RDS Proxy): migrations, session advisory locks, `LISTEN`.
   * Queries from `getClient` never use it. Default: read from `directUrlEnv`.
   */
  readonly directUrl?: string;
  /** Variable holding the direct URL. Default `RDS_<NAME>_DIRECT_URL`. */
  readonly directUrlEnv?: string;
  /**
   * Read replica URLs, one per replica. Model reads (`findMany`, `count`…) outside transactions go
   * to a replica in rotation; writes, raw queries and transactions go to the primary. A replica
   * that fails is taken out of rotation and its reads fall back to the primary. An empty list turns
   * replicas off. Default: read from `readUrlEnv`.
   */
  readonly readUrls?: readonly string[];
  /**
   * Variable holding the read replica URLs: one URL, or several separated by commas and/or
   * whitespace (a libpq multi-host comma inside a URL is kept). Default `RDS_<NAME>_READ_URL`.
   */
  readonly readUrlEnv?: string;
  /** Pool settings for this database. */
  readonly pool?: PoolOptions;
  /** Your own driver adapter instead of the one for the provider. */
  readonly adapter?: AdapterFactory;
}

export interface KustoDbOptions extends HealthOptions {
  /**
   * The databases as `kusto-db generate` wrote them into its registry module
   * (`import { registry } from './kusto-registry.js'`): the manager then never reads the filesystem
   * to find databases, clients or adapters, so a bundled or traced function works from any folder.
   * `root` and `layout` are not used with it; `cwd` is still the base of relative SQLite paths.
   * Default: none, the database folders are discovered under `root`.
   */
  readonly registry?: DatabaseRegistry;
  /** Folder with one subfolder per database. Default `src/app/db`. */
  readonly root?: string;
  /** Default `auto`: `src/app/db`, or `dist/app/db` when only the built tree exists. */
  readonly layout?: RootLayout;
  /** Base of a relative root. Default `process.cwd()`. */
  readonly cwd?: string;
  /**
   * The check policy (`checkIntervalMs`, `maxRetries`, `continueOnFailure`) and, unless
   * `poolProfile` is set, the pool. Default `auto`: `serverless` on a function platform or with
   * `NODE_ENV=production`, else `traditional` (see `detectProfile`).
   */
  readonly profile?: ProfileOption;
  /**
   * The pool alone (`max`, `idleTimeoutMillis`, `allowExitOnIdle`). Default `auto`: follows a set
   * `profile`; detected, `serverless` only on a function platform (Lambda, Vercel, Cloud Functions,
   * Azure Functions: their own variables), so a long-lived server keeps its pool with `NODE_ENV=production`.
   */
  readonly poolProfile?: ProfileOption;
  /** Where URLs and profile variables are read. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Pool settings for every database. */
  readonly pool?: PoolOptions;
  /** Per-database settings, by folder name. */
  readonly databases?: Readonly<Record<string, DatabaseOptions>>;
  /** Monotonic milliseconds clock for intervals and cooldowns. Default `performance.now()`. */
  readonly now?: () => number;
  /** Random source for backoff jitter, in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
}

/** Profile-specific defaults: the values a profile picks when options leave them out. */
export interface ProfileDefaults {
  readonly checkIntervalMs: number;
  readonly continueOnFailure: boolean;
  readonly maxRetries: number;
  readonly pool: Readonly<Required<PoolOptions>>;
}

export type { ProfileName };
