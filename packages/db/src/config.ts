import { HEALTH_DEFAULTS, PROFILE_DEFAULTS } from './defaults.js';
import { folderUrlVariable, type DatabaseFolder } from './discovery/discover.js';
import { MissingUrlError } from './errors.js';
import { directEnvVarForDatabase, readEnvVarForDatabase } from './naming/database-name.js';
import type { DatabaseOptions, HealthOptions, KustoDbOptions, PoolOptions } from './options.js';
import type { ProfileName } from './profiles/profile.js';
import { providerFor } from './providers/index.js';
import { splitReadUrls } from './replicas/read-urls.js';

/** Health settings after defaults are applied. */
export type HealthConfig = Readonly<Required<HealthOptions>>;
export type PoolConfig = Readonly<Required<PoolOptions>>;

/** Where a database's URL comes from. */
export interface UrlSource {
  /** The variable the URL is read from (reported even when `url` was passed directly). */
  readonly envVar: string;
  /** `options` when the URL was passed in options, else the variable name. */
  readonly source: string;
  readonly url: string | undefined;
}

function checked(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`Option ${name} must be a non-negative number of milliseconds (or a count); got ${String(value)}`);
  }
  return value;
}

export function resolveHealth(profile: ProfileName, manager: KustoDbOptions, database: DatabaseOptions | undefined): HealthConfig {
  const pick = <K extends keyof HealthOptions>(key: K, fallback: number): number =>
    checked(key, database?.[key] ?? manager[key] ?? fallback);
  const defaults = PROFILE_DEFAULTS[profile];
  return {
    checkIntervalMs: pick('checkIntervalMs', defaults.checkIntervalMs),
    checkTimeoutMs: pick('checkTimeoutMs', HEALTH_DEFAULTS.checkTimeoutMs),
    maxRetries: pick('maxRetries', defaults.maxRetries),
    retryDelayMs: pick('retryDelayMs', HEALTH_DEFAULTS.retryDelayMs),
    maxRetryDelayMs: pick('maxRetryDelayMs', HEALTH_DEFAULTS.maxRetryDelayMs),
    cooldownMs: pick('cooldownMs', HEALTH_DEFAULTS.cooldownMs),
    maxCooldownMs: pick('maxCooldownMs', HEALTH_DEFAULTS.maxCooldownMs),
    fastRecoveryWindowMs: pick('fastRecoveryWindowMs', HEALTH_DEFAULTS.fastRecoveryWindowMs),
  };
}

/** Profile defaults, then the URL's parameters, then the manager's `pool`, then the database's `pool`. */
export function resolvePool(
  profile: ProfileName,
  fromUrl: PoolOptions,
  manager: PoolOptions | undefined,
  database: PoolOptions | undefined,
): PoolConfig {
  const merged = { ...PROFILE_DEFAULTS[profile].pool, ...definedOnly(fromUrl), ...definedOnly(manager), ...definedOnly(database) };
  if (merged.connectionTimeoutMillis === 0) {
    throw new RangeError('pool.connectionTimeoutMillis must be above 0: 0 makes pg wait forever on a server that never answers');
  }
  if (merged.max < 1) throw new RangeError('pool.max must be at least 1');
  return merged;
}

function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The URL given in options, else the variable's value (empty counts as unset). */
function optionOrVariable(fromOptions: string | undefined, envVar: string, env: NodeJS.ProcessEnv): UrlSource {
  if (fromOptions !== undefined) return { envVar, source: 'options', url: fromOptions };
  const url = env[envVar];
  return { envVar, source: envVar, url: url === '' ? undefined : url };
}

/**
 * `url` from options, else a variable: `urlEnv`, the schema's legacy `env("X")`, the variable the
 * folder's `prisma.config.ts` reads, or `RDS_<NAME>_URL`. The CLI resolves through this too, so the
 * app and `kusto-db` always read the same variable.
 */
export function resolveUrlSource(
  folder: Pick<DatabaseFolder, 'name' | 'schema' | 'configUrlEnv'>,
  options: DatabaseOptions | undefined,
  env: NodeJS.ProcessEnv,
): UrlSource {
  const envVar = options?.urlEnv ?? folderUrlVariable(folder);
  return optionOrVariable(options?.url, envVar, env);
}

/**
 * The direct URL of a database: `directUrl` from options, else `directUrlEnv`, else
 * `RDS_<NAME>_DIRECT_URL`. `url` is undefined when none is set (then the main URL is direct too,
 * unless it declares a pooler).
 */
export function resolveDirectUrlSource(
  folder: Pick<DatabaseFolder, 'name'>,
  options: Pick<DatabaseOptions, 'directUrl' | 'directUrlEnv'> | undefined,
  env: NodeJS.ProcessEnv,
): UrlSource {
  return optionOrVariable(options?.directUrl, options?.directUrlEnv ?? directEnvVarForDatabase(folder.name), env);
}

/** Where a database's read replica URLs come from. */
export interface ReadUrlSource {
  /** The variable the URLs are read from (reported even when `readUrls` was passed directly). */
  readonly envVar: string;
  /** `options` when the URLs were passed in options, else the variable name. */
  readonly source: string;
  /** One URL per replica, in order (position 1 first); empty: no replicas. Not validated here. */
  readonly urls: readonly string[];
}

/**
 * The read replica URLs of a database: `readUrls` from options, else the variable `readUrlEnv`,
 * else `RDS_<NAME>_READ_URL`, split with `splitReadUrls` (commas and/or whitespace before a
 * `scheme://`). Unset or blank → no replicas.
 */
export function resolveReadUrlSource(
  folder: Pick<DatabaseFolder, 'name'>,
  options: Pick<DatabaseOptions, 'readUrls' | 'readUrlEnv'> | undefined,
  env: NodeJS.ProcessEnv,
): ReadUrlSource {
  const envVar = options?.readUrlEnv ?? readEnvVarForDatabase(folder.name);
  if (options?.readUrls !== undefined) return { envVar, source: 'options', urls: [...options.readUrls] };
  return { envVar, source: envVar, urls: splitReadUrls(env[envVar]) };
}

/** The missing-URL error of `folder`, its example URL in the folder's provider's form (`mysql://…`, `file:./…`). */
export function missingUrlError(folder: Pick<DatabaseFolder, 'name' | 'schema'>, envVar: string): MissingUrlError {
  return new MissingUrlError(folder.name, envVar, providerFor(folder.schema.provider ?? 'postgresql')?.exampleUrl);
}

export function requireUrl(folder: DatabaseFolder, source: UrlSource): string {
  if (source.url === undefined) throw missingUrlError(folder, source.envVar);
  return source.url;
}
