import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DatabaseFolder } from '@kusto/db';
import { UnsupportedMigrationProviderError } from './errors.js';
import type { ConnectOptions, MigrationConnection } from './migration-connection.js';
import type { MigrationFileSystem } from './migration-files.js';
import { connectMysql } from './dialects/mysql/connection.js';
import { connectPostgres } from './dialects/postgres/connection.js';
import { connectSqlite } from './dialects/sqlite/connection.js';

/** Receives what the runner does, one line at a time. Default: {@link silentLogger}. */
export interface MigrationLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** A logger that drops everything: the default, since results carry all outcomes. */
export const silentLogger: MigrationLogger = { info: () => undefined, warn: () => undefined };

/** Opens a {@link MigrationConnection}; one per provider. */
export type ConnectMigrationDatabase = (options: ConnectOptions) => Promise<MigrationConnection>;

/** The providers the runner can migrate, each with its connection factory. */
export const MIGRATION_PROVIDERS: Readonly<Record<string, ConnectMigrationDatabase>> = {
  postgresql: connectPostgres,
  mysql: connectMysql,
  sqlite: connectSqlite,
};

/** Defaults of {@link MigratorOptions}, applied with `??`. */
export const MIGRATOR_DEFAULTS = {
  provider: 'postgresql',
  lockTimeoutMs: 60_000,
  connectTimeoutMs: 10_000,
} as const;

/** What callers pass to `createMigrator`. */
export interface MigratorOptions {
  /** The database's name (its folder name): shown in results and messages. */
  readonly database: string;
  /** Connection URL with credentials. Never printed: results and messages show it redacted or not at all. */
  readonly url: string;
  /** The Prisma migrations folder (`<folder>/migrations`). */
  readonly migrationsDir: string;
  /**
   * The schema's datasource provider: `postgresql`, `mysql` (MySQL and MariaDB) or `sqlite`.
   * Default `postgresql` ({@link MIGRATOR_DEFAULTS}); any other is refused with `UNSUPPORTED_PROVIDER`.
   */
  readonly provider?: string | undefined;
  /**
   * How long `deploy`, `rollback` and `markRolledBack` wait for another run's migration lock before
   * returning a `LOCK_TIMEOUT` error; 0 waits forever. Default 60 000 ms ({@link MIGRATOR_DEFAULTS}).
   */
  readonly lockTimeoutMs?: number | undefined;
  /** Connect timeout. Default 10 000 ms ({@link MIGRATOR_DEFAULTS}). */
  readonly connectTimeoutMs?: number | undefined;
  /** Wall clock for `started_at`/`finished_at`/`rolled_back_at`. Default `() => new Date()`. */
  readonly clock?: (() => Date) | undefined;
  /** Monotonic milliseconds for durations. Default `performance.now`. */
  readonly monotonic?: (() => number) | undefined;
  /** Progress lines. Default {@link silentLogger}. */
  readonly logger?: MigrationLogger | undefined;
  /** File system for reading migrations. Default `node:fs/promises`. */
  readonly fs?: MigrationFileSystem | undefined;
  /** New `_prisma_migrations.id` values. Default `crypto.randomUUID` (Prisma uses UUID v4 too). */
  readonly generateId?: (() => string) | undefined;
  /** Opens the connection. Default: the provider's entry in {@link MIGRATION_PROVIDERS}. */
  readonly connect?: ConnectMigrationDatabase | undefined;
  /**
   * Aborting it stops the run: the statement running is cancelled on the server (Postgres
   * `pg_cancel_backend`, MySQL `KILL QUERY`; SQLite stops after the statement), its migration is
   * rolled back where it ran in a transaction and recorded as failed (as Prisma records an
   * interrupted one), no further migration starts, and the lock is released. The result's error
   * then has `cancelled: true`. Default: none.
   */
  readonly signal?: AbortSignal | undefined;
  /**
   * Folders the driver package (`pg`, `mariadb`, `better-sqlite3`) is also looked for from (their
   * `node_modules` upwards), in order, after the database folder (the project's own, always first)
   * and before `@kusto/migrate`'s own location. A tool installed elsewhere (a global `kusto-db`)
   * adds its own folder. Default none.
   */
  readonly driverDirs?: readonly string[] | undefined;
}

/** {@link MigratorOptions} with every default applied. */
export interface MigratorConfig {
  readonly database: string;
  readonly url: string;
  readonly migrationsDir: string;
  /** Base of relative SQLite paths: the database folder (the migrations folder's parent), as Prisma resolves them. */
  readonly baseDir: string;
  readonly provider: string;
  readonly lockTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly clock: () => Date;
  readonly monotonic: () => number;
  readonly logger: MigrationLogger;
  readonly fs: MigrationFileSystem | undefined;
  readonly generateId: () => string;
  readonly connect: ConnectMigrationDatabase;
  readonly signal: AbortSignal | undefined;
  readonly driverDirs: readonly string[];
}

/** Merges options with defaults once; throws {@link UnsupportedMigrationProviderError} for a provider without a runner. */
export function resolveMigratorConfig(options: MigratorOptions): MigratorConfig {
  const provider = options.provider ?? MIGRATOR_DEFAULTS.provider;
  const connect = options.connect ?? MIGRATION_PROVIDERS[provider];
  if (!connect) throw new UnsupportedMigrationProviderError(options.database, provider, Object.keys(MIGRATION_PROVIDERS));
  return {
    database: options.database,
    url: options.url,
    migrationsDir: options.migrationsDir,
    baseDir: path.dirname(path.resolve(options.migrationsDir)),
    provider,
    lockTimeoutMs: options.lockTimeoutMs ?? MIGRATOR_DEFAULTS.lockTimeoutMs,
    connectTimeoutMs: options.connectTimeoutMs ?? MIGRATOR_DEFAULTS.connectTimeoutMs,
    clock: options.clock ?? (() => new Date()),
    monotonic: options.monotonic ?? (() => performance.now()),
    logger: options.logger ?? silentLogger,
    fs: options.fs,
    generateId: options.generateId ?? randomUUID,
    connect,
    signal: options.signal,
    driverDirs: options.driverDirs ?? [],
  };
}

/** Migrator options for a discovered database folder: its name, migrations folder and provider. */
export function migratorOptionsForFolder(
  folder: DatabaseFolder,
  url: string,
  extra: Omit<MigratorOptions, 'database' | 'url' | 'migrationsDir' | 'provider'> = {},
): MigratorOptions {
  return { ...extra, database: folder.name, url, migrationsDir: folder.migrationsDir, provider: folder.schema.provider };
}
