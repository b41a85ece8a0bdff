import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { ModuleLoader } from '../adapters/module-loader.js';
import type { FailureKind } from '../connection/classify-error.js';
import type { HealthQuery } from '../connection/health-check.js';
import type { PoolOptions } from '../options.js';

/** Pool counters, when the pool is ours. */
export interface PoolStats {
  /** Open connections, in use or idle. */
  readonly total: number;
  /** Open connections nobody uses. */
  readonly idle: number;
  /** Callers waiting for a connection. */
  readonly waiting: number;
}

/** A driver adapter factory and the resources behind it. */
export interface BuiltAdapter {
  readonly factory: SqlDriverAdapterFactory;
  stats(): PoolStats | undefined;
  /** What the health check runs. Default `SELECT 1`. */
  readonly healthCheck?: HealthQuery;
  /** What a primary's health check runs: also fails on a read-only server. Default `healthCheck`. */
  readonly primaryHealthCheck?: HealthQuery;
  /**
   * Whether what the adapter was built on is still there, asked before each health check: a
   * SQLite file deleted or replaced since it was opened is not (its open handle still reads the
   * deleted file). When not, the client is retired and rebuilt, and the rebuild says what is
   * wrong. Default: always.
   */
  readonly stillUsable?: () => boolean;
  /** Closes what the adapter opened (our pool). Safe to call twice. */
  dispose(): Promise<void>;
}

/** What a provider needs to build the adapter of one database. */
export interface ProviderRequest {
  readonly database: string;
  /** The schema's datasource provider (`postgresql`, `cockroachdb`, `mysql`, `sqlite`, `sqlserver`). */
  readonly provider: string;
  /** The URL for the driver, Prisma's pool parameters already taken out into `pool`. */
  readonly url: string;
  /** Where the URL came from (its variable, or `options`), for error messages. */
  readonly urlSource?: string;
  readonly schema: string | undefined;
  readonly pool: Readonly<Required<PoolOptions>>;
  /** Folder of the database, base of relative SQLite file paths. */
  readonly dir: string;
  readonly onConnectionError: (error: Error) => void;
  /**
   * The driver URL this database has in its configuration now (re-read from the environment), for
   * new connections of a pool we own: a rotated password is used at once. Default: `url` always.
   */
  readonly currentUrl?: () => string | undefined;
}

/**
 * One database family: which Prisma providers it serves, through which driver adapter, how the
 * resolved pool options map onto that driver, which of the driver's own error codes mean what,
 * and what its health check runs.
 */
export interface DatabaseProvider {
  /** Folder name under `providers/`. */
  readonly id: 'postgres' | 'mysql' | 'sqlite' | 'sqlserver';
  /** Datasource providers of `schema.prisma` it serves. */
  readonly prismaProviders: readonly string[];
  /** The Prisma driver adapter package (an optional peer dependency). */
  readonly adapterPackage: string;
  /**
   * Driver packages `build` loads beside the adapter (`pg`, `mariadb`), which a generated registry
   * imports statically so bundles carry them. Packages only the adapter itself imports are not listed.
   */
  readonly driverPackages: readonly string[];
  /** URL schemes it accepts, with the colon (`postgresql:`). */
  readonly urlSchemes: readonly string[];
  /** An example URL for messages. */
  readonly exampleUrl: string;
  /**
   * Validates what `parseDatabaseUrl` does not know about this provider's URLs (parameters it
   * would not honour), throwing an `InvalidUrlError`. `url` has Prisma's pool parameters removed.
   */
  checkUrl?(database: string, source: string, url: string): void;
  /** Builds the adapter and the pool behind it; throws configuration errors (missing package, bad file path). */
  build(request: ProviderRequest, loader: ModuleLoader): BuiltAdapter;
  /**
   * The kind of one error object by this driver's own codes, or `undefined` when they say nothing.
   * Only this object: `classifyError` walks causes and Prisma's wrappers. Never by message text.
   */
  classify(value: Readonly<Record<string, unknown>>): FailureKind | undefined;
  /** What the health check runs. */
  readonly healthCheckSql: string;
  /**
   * The health check of a primary, which must accept writes: it fails with `ReadOnlyServerError`
   * on a read-only server (a failover's old writer). Default: `healthCheckSql` (no such probe).
   */
  readonly primaryHealthCheck?: HealthQuery;
}
