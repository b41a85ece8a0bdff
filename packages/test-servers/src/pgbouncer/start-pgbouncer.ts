import { rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { reachableBy, resolveServerUser, type ServerUser } from '../embedded/server-user.js';
import { TestServerError } from '../errors.js';
import { startOnFreePort } from '../start-on-free-port.js';
import { DEFAULT_USER, type PostgresServer } from '../start-postgres.js';
import { waitUntilReady } from '../wait-ready.js';
import { adminShow, type PgBouncerPool, type PgBouncerStats } from './admin-console.js';
import { locatePgBouncer } from './binary.js';
import { renderIni, renderUserlist, type PgBouncerPoolMode } from './config-files.js';
import { PgBouncerProcess } from './pgbouncer-process.js';

export const DEFAULT_PGBOUNCER_POOL_MODE: PgBouncerPoolMode = 'transaction';
export const DEFAULT_PGBOUNCER_POOL_SIZE = 5;
export const DEFAULT_PGBOUNCER_MAX_CLIENT_CONN = 1000;
export const DEFAULT_PGBOUNCER_READY_TIMEOUT_MS = 10_000;

const HOST = '127.0.0.1';
const POOL_MODES: readonly PgBouncerPoolMode[] = ['session', 'transaction', 'statement'];
/** A Postgres server given by address; its credentials then come from `user` and `password`. */
export interface PgBouncerUpstream {
  readonly host: string;
  readonly port: number;
}

export interface StartPgBouncerOptions {
  /**
   * The Postgres server to pool: a handle from `startPostgres()` (its user and password are the
   * defaults below) or `{ host, port }` (then `password` is required). Every database on it is
   * reachable through PgBouncer under the same name.
   */
  readonly upstream: PostgresServer | PgBouncerUpstream;
  /**
   * The one user clients log in as; PgBouncer logs in to the server with the same credentials and
   * lets it use the admin console. Default: the server handle's user, else `postgres`.
   */
  readonly user?: string;
  /** That user's password on the server (clients use it too). Default: the server handle's; required with `{ host, port }`. */
  readonly password?: string;
  /**
   * When a server connection goes back to the pool: after each transaction (`transaction`, the
   * mode of hosted poolers such as Supabase's), when the client disconnects (`session`), or after
   * each statement (`statement`, no multi-statement transactions). Default `transaction`.
   */
  readonly poolMode?: PgBouncerPoolMode;
  /** Server connections per user and database pair (`default_pool_size`). Default 5. */
  readonly defaultPoolSize?: number;
  /** Client connections PgBouncer accepts in all (`max_client_conn`). Default 1000. */
  readonly maxClientConn?: number;
  /** Port on 127.0.0.1. Default: a free port chosen by the kernel (another is tried if it gets taken first). */
  readonly port?: number;
  /**
   * The `pgbouncer` program. Default: the `PGBOUNCER_BINARY` variable, else `pgbouncer` on `PATH`,
   * else `/usr/sbin/pgbouncer`, else `/usr/bin/pgbouncer`.
   */
  readonly binary?: string;
  /**
   * Extra `[pgbouncer]` ini settings, e.g. `{ ignore_startup_parameters: 'extra_float_digits' }`;
   * they override our defaults (`auth_type = scram-sha-256`). Settings that have an option above,
   * and the managed listen/file settings, are refused. Default none: PgBouncer's own defaults,
   * among them two that fault tests meet: with the server down a query waits for a server
   * connection up to `query_wait_timeout` (120 s) before failing, and after a failed server login
   * new clients get "server login has been failing" for `server_login_retry` (15 s). Pass e.g.
   * `{ query_wait_timeout: 5, server_login_retry: 1 }` to fail and recover sooner.
   */
  readonly settings?: Readonly<Record<string, string | number>>;
  /** Receives each line PgBouncer logs. Default: discarded. */
  readonly onLog?: (line: string) => void;
  /** How long `start()` waits for PgBouncer to answer on its admin console. Default 10 000 ms. */
  readonly readyTimeoutMs?: number;
  /** Environment to read `PGBOUNCER_BINARY` and `PATH` from. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface PgBouncerUrlOptions {
  /**
   * Append `?pgbouncer=true`, Prisma's marker for "this URL is a transaction pooler". `pg` and
   * `@prisma/adapter-pg` ignore it. Default false.
   */
  readonly pgbouncerFlag?: boolean;
}

/** `closed` is final; `stopped` can be started again on the same port. */
export type PgBouncerState = 'running' | 'stopped' | 'closed';

/** A running (or stopped) PgBouncer owned by this process, in front of one Postgres server. */
export interface PgBouncer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly poolMode: PgBouncerPoolMode;
  readonly defaultPoolSize: number;
  readonly maxClientConn: number;
  readonly state: PgBouncerState;
  /** The pgbouncer process id while it runs. */
  readonly pid: number | undefined;
  /** The temp folder with its ini, userlist, log and pidfile; removed by `close()`. */
  readonly dir: string;
  /** URL of `database` (default `postgres`) through PgBouncer, with credentials. */
  url(database?: string, options?: PgBouncerUrlOptions): string;
  /** PgBouncer's `SHOW POOLS`: clients and server connections per database and user. */
  showPools(): Promise<PgBouncerPool[]>;
  /** PgBouncer's `SHOW STATS`: transactions, queries and bytes per database. */
  showStats(): Promise<PgBouncerStats[]>;
  /** Immediate shutdown (SIGTERM): client and server connections close, the port refuses connections. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it and removes its temp folder. Safe to call twice. */
  close(): Promise<void>;
}

/** The options resolved once; the password lives only in the handle's private field. */
interface PgBouncerConfig {
  readonly binary: string;
  readonly upstream: PgBouncerUpstream;
  readonly user: string;
  readonly poolMode: PgBouncerPoolMode;
  readonly defaultPoolSize: number;
  readonly maxClientConn: number;
  readonly port: number | undefined;
  readonly settings: Readonly<Record<string, string | number>>;
  readonly readyTimeoutMs: number;
  readonly onLog: ((line: string) => void) | undefined;
}

function isServerHandle(upstream: StartPgBouncerOptions['upstream']): upstream is PostgresServer {
  return typeof (upstream as PostgresServer).url === 'function';
}

function invalid(message: string): never {
  throw new TestServerError(message, 'INVALID_OPTIONS');
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) invalid(`${name} must be a positive integer, got ${value}.`);
  return value;
}

function resolveConfig(options: StartPgBouncerOptions): { config: PgBouncerConfig; password: string } {
  const { upstream } = options;
  const server = isServerHandle(upstream) ? upstream : undefined;
  const password = options.password ?? (server ? decodeURIComponent(new URL(server.url()).password) : undefined);
  if (password === undefined) {
    invalid('startPgBouncer needs the server password: pass `password`, or a `startPostgres()` handle as `upstream`.');
  }
  const poolMode = options.poolMode ?? DEFAULT_PGBOUNCER_POOL_MODE;
  if (!POOL_MODES.includes(poolMode)) invalid(`poolMode must be one of ${POOL_MODES.join(', ')}, got ${JSON.stringify(poolMode)}.`);
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port > 0 && options.port < 65_536)) {
    invalid(`port must be a TCP port number, got ${options.port}.`);
  }
  const defaultPoolSize = positiveInteger('defaultPoolSize', options.defaultPoolSize ?? DEFAULT_PGBOUNCER_POOL_SIZE);
  const maxClientConn = positiveInteger('maxClientConn', options.maxClientConn ?? DEFAULT_PGBOUNCER_MAX_CLIENT_CONN);
  // Only once every option is known good: a wrong option is reported as such even where PgBouncer is missing.
  const located = locatePgBouncer({ binary: options.binary, env: options.env });
  if ('reason' in located) throw new TestServerError(`Cannot start PgBouncer: ${located.reason}.`, 'BINARIES_NOT_FOUND');
  return {
    password,
    config: {
      binary: located.binary,
      upstream: { host: upstream.host, port: upstream.port },
      user: options.user ?? server?.user ?? DEFAULT_USER,
      poolMode,
      defaultPoolSize,
      maxClientConn,
      port: options.port,
      settings: { ...options.settings },
      readyTimeoutMs: options.readyTimeoutMs ?? DEFAULT_PGBOUNCER_READY_TIMEOUT_MS,
      onLog: options.onLog,
    },
  };
}

/** Writes the ini and userlist into a fresh temp folder that `runAs` owns (PgBouncer reads them as that user). */
async function writeFiles(config: PgBouncerConfig, password: string, port: number, runAs: ServerUser | undefined) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kusto-pgbouncer-'));
  const files = {
    dir,
    iniFile: path.join(dir, 'pgbouncer.ini'),
    authFile: path.join(dir, 'userlist.txt'),
    logFile: path.join(dir, 'pgbouncer.log'),
    pidFile: path.join(dir, 'pgbouncer.pid'),
  };
  try {
    const ini = renderIni({
      listenHost: HOST,
      listenPort: port,
      upstreamHost: config.upstream.host,
      upstreamPort: config.upstream.port,
      adminUser: config.user,
      poolMode: config.poolMode,
      defaultPoolSize: config.defaultPoolSize,
      maxClientConn: config.maxClientConn,
      authFile: files.authFile,
      logFile: files.logFile,
      pidFile: files.pidFile,
      settings: config.settings,
    });
    await fs.writeFile(files.iniFile, ini, { mode: 0o600 });
    await fs.writeFile(files.authFile, renderUserlist(config.user, password), { mode: 0o600 });
    if (runAs) {
      for (const file of [dir, files.iniFile, files.authFile]) await fs.chown(file, runAs.uid, runAs.gid);
      if (!reachableBy(runAs, dir)) {
        throw new TestServerError(
          `The temp folder ${dir} is out of reach of the "${runAs.name}" user that runs PgBouncer ` +
            '(a parent folder is not searchable by it). Set TMPDIR to a folder it can reach, e.g. /tmp.',
          'DATA_DIR_UNREACHABLE',
        );
      }
    }
    return files;
  } catch (error) {
    await fs.rm(dir, { recursive: true, force: true });
    throw error;
  }
}

class LocalPgBouncer implements PgBouncer {
  readonly host = HOST;
  readonly #password: string;
  #closing: Promise<void> | undefined;
  readonly #process: PgBouncerProcess;
  readonly #removeDirOnExit = () => rmSync(this.dir, { recursive: true, force: true });

  constructor(
    private readonly config: PgBouncerConfig,
    password: string,
    readonly port: number,
    readonly dir: string,
    files: { iniFile: string; pidFile: string },
    runAs: ServerUser | undefined,
  ) {
    this.#password = password;
    this.#process = new PgBouncerProcess({
      binary: config.binary,
      iniFile: files.iniFile,
      pidFile: files.pidFile,
      cwd: dir,
      runAs,
      address: `${HOST}:${port}`,
      readyTimeoutMs: config.readyTimeoutMs,
      onLog: config.onLog,
      waitReady: (failed) =>
        waitUntilReady({
          host: HOST,
          port,
          user: config.user,
          password: this.#password,
          database: 'pgbouncer',
          query: 'SHOW VERSION',
          timeoutMs: config.readyTimeoutMs,
          failed,
        }),
    });
    process.on('exit', this.#removeDirOnExit);
  }

  get user() {
    return this.config.user;
  }
  get poolMode() {
    return this.config.poolMode;
  }
  get defaultPoolSize() {
    return this.config.defaultPoolSize;
  }
  get maxClientConn() {
    return this.config.maxClientConn;
  }
  get pid() {
    return this.#process.pid;
  }
  get state(): PgBouncerState {
    if (this.#closing) return 'closed';
    return this.#process.running ? 'running' : 'stopped';
  }

  url(database = 'postgres', options: PgBouncerUrlOptions = {}): string {
    const credentials = `${encodeURIComponent(this.config.user)}:${encodeURIComponent(this.#password)}`;
    const url = `postgresql://${credentials}@${HOST}:${this.port}/${encodeURIComponent(database)}`;
    return options.pgbouncerFlag ? `${url}?pgbouncer=true` : url;
  }

  private async admin(what: 'POOLS' | 'STATS') {
    if (this.state !== 'running') {
      throw new TestServerError(`PgBouncer is ${this.state}; call start() first.`, 'NOT_RUNNING');
    }
    return adminShow(this.url('pgbouncer'), what);
  }

  async showPools(): Promise<PgBouncerPool[]> {
    return (await this.admin('POOLS')) as PgBouncerPool[];
  }

  async showStats(): Promise<PgBouncerStats[]> {
    return (await this.admin('STATS')) as PgBouncerStats[];
  }

  async start(): Promise<void> {
    if (this.#closing) {
      throw new TestServerError('This PgBouncer was closed; start a new one with startPgBouncer().', 'NOT_RUNNING');
    }
    await this.#process.start();
  }

  stop(): Promise<void> {
    return this.#process.stop();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#process.stop();
      await fs.rm(this.dir, { recursive: true, force: true });
      process.off('exit', this.#removeDirOnExit);
    })();
    return this.#closing;
  }
}

/**
 * Starts a real PgBouncer on 127.0.0.1 in front of `upstream`, with its own temp folder. As root
 * it runs as the unprivileged `postgres` user (PgBouncer refuses root), the one the embedded
 * server uses. Resolves once PgBouncer answers on its admin console; a start failure is a
 * `TestServerError` with the end of PgBouncer's log. The process is killed by `close()`,
 * `stop()`, or when this process exits.
 */
export async function startPgBouncer(options: StartPgBouncerOptions): Promise<PgBouncer> {
  const { config, password } = resolveConfig(options);
  const runAs = await resolveServerUser();
  return startOnFreePort({ port: config.port, host: HOST, portTaken: /address already in use/i }, async (port) => {
    const files = await writeFiles(config, password, port, runAs);
    const bouncer = new LocalPgBouncer(config, password, port, files.dir, files, runAs);
    try {
      await bouncer.start();
      return bouncer;
    } catch (error) {
      await bouncer.close();
      throw error;
    }
  });
}
