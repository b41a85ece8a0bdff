import { InvalidUrlError } from '../../errors.js';

/**
 * URL parameters a MySQL URL may carry: Prisma's own (the pool ones are read by
 * `parseDatabaseUrl` and removed before this), and the few connector options we pass on.
 */
export const MYSQL_URL_PARAMETERS = {
  /** Prisma: seconds a query may wait on the socket (`socketTimeout`). */
  socket_timeout: 'socketTimeout',
  /** Prisma: `strict` checks the server certificate, `accept_invalid_certs` does not (`ssl`). */
  sslaccept: 'ssl',
  /** Prisma: a Unix socket instead of host and port (`socketPath`). */
  socket: 'socketPath',
  /** The connector: `true` for TLS with the system's CAs. */
  ssl: 'ssl',
  /** The connector: fetch the server's RSA key for `caching_sha2_password` without TLS. */
  allowPublicKeyRetrieval: 'allowPublicKeyRetrieval',
  /** The connector: session time zone (`local`, `auto`, `+01:00`, an IANA name). */
  timezone: 'timezone',
  /** The connector: connection character set/collation. */
  charset: 'charset',
  collation: 'collation',
} as const;

/** Connection settings read from a `mysql://` URL, for `mariadb.createPool`. */
export interface MysqlConnectionSettings {
  readonly host: string;
  readonly port: number;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly database: string | undefined;
  readonly socketPath?: string;
  readonly socketTimeout?: number;
  readonly ssl?: boolean | { readonly rejectUnauthorized: boolean };
  readonly allowPublicKeyRetrieval?: boolean;
  readonly timezone?: string;
  readonly charset?: string;
  readonly collation?: string;
}

const BOOLEAN = new Set(['true', 'false']);

/**
 * Reads a `mysql://` or `mariadb://` URL (Prisma's pool parameters already removed) into
 * connection settings. A parameter we would not honour is an error naming it, rather than a
 * setting silently ignored; the message never includes the URL.
 */
export function mysqlConnectionSettings(database: string, source: string, raw: string): MysqlConnectionSettings {
  const url = new URL(raw);
  const settings: Record<string, unknown> = {
    host: decodeURIComponent(url.hostname.replace(/^\[(.*)\]$/, '$1')) || 'localhost',
    port: url.port ? Number(url.port) : 3306,
    user: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database: url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : undefined,
  };
  const bad = (problem: string): never => {
    throw new InvalidUrlError(database, source, problem);
  };
  for (const [name, value] of url.searchParams) {
    if (!Object.hasOwn(MYSQL_URL_PARAMETERS, name)) {
      bad(
        `unknown parameter "${name}" for a MySQL URL; supported: connection_limit, pool_timeout, connect_timeout, ` +
          `${Object.keys(MYSQL_URL_PARAMETERS).join(', ')}. Remove it, or pass your own adapter in databases.${database}.adapter`,
      );
    }
    switch (name) {
      case 'socket_timeout': {
        const seconds = Number(value);
        if (!Number.isFinite(seconds) || seconds < 0) bad(`parameter socket_timeout=${JSON.stringify(value)} must be a non-negative number of seconds`);
        if (seconds > 0) settings.socketTimeout = seconds * 1_000;
        break;
      }
      case 'sslaccept':
        if (value !== 'strict' && value !== 'accept_invalid_certs') bad('parameter sslaccept must be "strict" or "accept_invalid_certs"');
        settings.ssl = { rejectUnauthorized: value === 'strict' };
        break;
      case 'ssl':
      case 'allowPublicKeyRetrieval':
        if (!BOOLEAN.has(value)) bad(`parameter ${name} must be "true" or "false"`);
        if (name === 'ssl' && settings.ssl !== undefined) break;
        settings[name] = value === 'true';
        break;
      case 'socket':
        settings.socketPath = value;
        break;
      default:
        settings[MYSQL_URL_PARAMETERS[name as keyof typeof MYSQL_URL_PARAMETERS]] = value;
    }
  }
  return settings as unknown as MysqlConnectionSettings;
}
