import { InvalidUrlError } from '../errors.js';
import { hasMisencodedCredentials } from '../naming/redact-url.js';
import type { PoolOptions } from '../options.js';
import { PROVIDERS, providerFor } from '../providers/index.js';
import { takePoolerFlag } from './pooler.js';

/** The datasource provider whose URLs use `scheme`, for "did you mean" hints. */
function providerOfScheme(scheme: string): string | undefined {
  return PROVIDERS.find((provider) => provider.urlSchemes.includes(scheme))?.prismaProviders[0];
}

/** Prisma's URL parameters that `@kusto/db` turns into pool settings, and removes from the URL. */
export const POOL_URL_PARAMETERS = ['connection_limit', 'pool_timeout', 'connect_timeout'] as const;

export interface DatabaseUrl {
  /** The URL for the driver: Prisma-only parameters removed. */
  readonly url: string;
  /** Pool settings the URL asked for. */
  readonly pool: PoolOptions;
  /** `schema` parameter (Postgres search path for Prisma's queries), when given. */
  readonly schema: string | undefined;
  /** The URL declares a transaction pooler (`pgbouncer=true`): sessions do not survive a transaction. */
  readonly transactionPooler: boolean;
}

function positiveNumber(database: string, source: string, name: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) {
    throw new InvalidUrlError(database, source, `parameter ${name}=${JSON.stringify(value)} must be a non-negative number`);
  }
  return parsed;
}

/**
 * Validates a database URL for `provider` and reads Prisma's pool parameters:
 * `connection_limit` → `max`; `pool_timeout` and `connect_timeout` (seconds) → `connectionTimeoutMillis`
 * (the larger of the two: pg has a single acquire timeout covering both waiting and connecting).
 * Error messages never include the URL, which holds a password.
 */
export function parseDatabaseUrl(database: string, provider: string, raw: string, source: string): DatabaseUrl {
  // SQL Server URLs are JDBC-style (`sqlserver://host:1433;database=x;user=y`), not WHATWG URLs.
  if (provider === 'sqlserver') {
    if (!raw.startsWith('sqlserver://')) {
      throw new InvalidUrlError(database, source, `it does not start with sqlserver:// (expected e.g. ${providerFor(provider)?.exampleUrl})`);
    }
    return { url: raw, pool: {}, schema: undefined, transactionPooler: false };
  }
  const known = providerFor(provider);
  const example = known?.exampleUrl ?? 'postgresql://user:password@host:5432/name';
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new InvalidUrlError(
      database,
      source,
      `it does not parse as a URL (expected e.g. ${example}; a password holding characters such as / ? # @ : must be percent-encoded)`,
    );
  }
  if (hasMisencodedCredentials(parsed)) {
    throw new InvalidUrlError(
      database,
      source,
      'an "@" follows the host part, so a password seems to hold an unencoded "/", "?" or "#" and would be read as the host, ' +
        'port and path: percent-encode the password (encodeURIComponent; "/" is %2F, "?" is %3F, "#" is %23, "@" is %40)',
    );
  }
  if (known && !known.urlSchemes.includes(parsed.protocol)) {
    const meant = providerOfScheme(parsed.protocol);
    const fix =
      `set ${source} to a URL like ${known.exampleUrl}` +
      (meant ? `, or change the datasource provider in schema.prisma to "${meant}" if that is the database you mean` : '');
    throw new InvalidUrlError(
      database,
      source,
      `scheme "${parsed.protocol}" does not match provider "${provider}" (expected ${known.urlSchemes.join(' or ')}): ${fix}`,
    );
  }
  if (provider === 'sqlite') return { url: raw, pool: {}, schema: undefined, transactionPooler: false };

  const params = parsed.searchParams;
  const pool: { max?: number; connectionTimeoutMillis?: number } = {};
  const limit = params.get('connection_limit');
  if (limit !== null) {
    const max = positiveNumber(database, source, 'connection_limit', limit);
    if (!Number.isInteger(max) || max < 1) {
      throw new InvalidUrlError(database, source, 'parameter connection_limit must be a whole number of at least 1');
    }
    pool.max = max;
  }
  const timeouts: number[] = [];
  for (const name of ['pool_timeout', 'connect_timeout']) {
    const value = params.get(name);
    const seconds = value === null ? 0 : positiveNumber(database, source, name, value);
    if (seconds > 0) timeouts.push(seconds);
  }
  if (timeouts.length > 0) pool.connectionTimeoutMillis = Math.max(...timeouts) * 1_000;

  const schema = params.get('schema') ?? undefined;
  const transactionPooler = takePoolerFlag(params);
  for (const name of [...POOL_URL_PARAMETERS, 'schema']) params.delete(name);
  const url = parsed.toString();
  known?.checkUrl?.(database, source, url);
  return { url, pool, schema, transactionPooler };
}
