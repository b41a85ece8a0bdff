import { TestServerError } from '../errors.js';

/** How PgBouncer hands server connections to clients. */
export type PgBouncerPoolMode = 'session' | 'transaction' | 'statement';

/** Everything the ini file needs, resolved. Paths are absolute. */
export interface PgBouncerIniConfig {
  readonly listenHost: string;
  readonly listenPort: number;
  readonly upstreamHost: string;
  readonly upstreamPort: number;
  readonly adminUser: string;
  readonly poolMode: PgBouncerPoolMode;
  readonly defaultPoolSize: number;
  readonly maxClientConn: number;
  readonly authFile: string;
  readonly logFile: string;
  readonly pidFile: string;
  readonly settings: Readonly<Record<string, string | number>>;
}

/** Settings that have their own option or that this package manages; `settings` may not set them. */
export const MANAGED_SETTINGS: readonly string[] = [
  'listen_addr',
  'listen_port',
  'unix_socket_dir',
  'auth_file',
  'admin_users',
  'logfile',
  'pidfile',
  'user',
  'pool_mode',
  'default_pool_size',
  'max_client_conn',
];

const SETTING_NAME = /^[a-z_][a-z0-9_]*$/;
const HOST = /^[A-Za-z0-9._:-]+$/;

function invalid(message: string): never {
  throw new TestServerError(message, 'INVALID_OPTIONS');
}

/** Throws a clear error for a setting PgBouncer's ini parser would misread or that we manage. */
export function assertSettings(settings: Readonly<Record<string, string | number>>): void {
  for (const [name, value] of Object.entries(settings)) {
    if (!SETTING_NAME.test(name)) invalid(`PgBouncer setting ${JSON.stringify(name)} is not a setting name.`);
    if (MANAGED_SETTINGS.includes(name)) {
      invalid(`PgBouncer setting "${name}" is managed by startPgBouncer: use its option instead (or leave it to us).`);
    }
    if (/[\r\n]/.test(String(value))) invalid(`PgBouncer setting "${name}" must be on one line.`);
  }
}

/**
 * The ini file: a wildcard `*` database, so any database name on the upstream server works,
 * client and server authentication with SCRAM from the userlist, and the caller's `settings`
 * last (they override our defaults, e.g. `auth_type` or `ignore_startup_parameters`).
 */
export function renderIni(config: PgBouncerIniConfig): string {
  if (!HOST.test(config.upstreamHost)) invalid(`Upstream host ${JSON.stringify(config.upstreamHost)} is not a host name or address.`);
  assertSettings(config.settings);
  const settings: Record<string, string | number> = {
    listen_addr: config.listenHost,
    listen_port: config.listenPort,
    // No Unix socket: Debian's default (/var/run/postgresql) would collide between instances.
    unix_socket_dir: '',
    auth_type: 'scram-sha-256',
    auth_file: config.authFile,
    admin_users: config.adminUser,
    pool_mode: config.poolMode,
    default_pool_size: config.defaultPoolSize,
    max_client_conn: config.maxClientConn,
    logfile: config.logFile,
    pidfile: config.pidFile,
    ...config.settings,
  };
  return [
    '; Written by @kusto/test-servers startPgBouncer(); removed by close().',
    '[databases]',
    `* = host=${config.upstreamHost} port=${config.upstreamPort}`,
    '',
    '[pgbouncer]',
    ...Object.entries(settings).map(([name, value]) => `${name} = ${value}`),
    '',
  ].join('\n');
}

const quoted = (value: string) => `"${value.replaceAll('"', '""')}"`;

/**
 * The auth file: one user with its plain password. A plain password is what lets PgBouncer do
 * SCRAM with the client and log in to the server with SCRAM or MD5 alike (an MD5 or SCRAM
 * secret here could not log in to a scram-sha-256 server on the client's behalf).
 */
export function renderUserlist(user: string, password: string): string {
  if (/[\r\n]/.test(user) || /[\r\n]/.test(password)) invalid('The PgBouncer user and password must be on one line.');
  return `${quoted(user)} ${quoted(password)}\n`;
}
