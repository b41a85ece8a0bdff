import { randomBytes } from 'node:crypto';
import type { Connection } from 'mariadb';
import { TestServerError } from '../errors.js';
import { assertDatabaseName } from '../identifiers.js';
import { withMariaDbConnection } from './admin.js';
import { BackendHandle } from '../backend.js';
import type { MariaDbBackend, MariaDbBackendKind } from './backend.js';
import { locateMariaDb } from './binary.js';
import { containerRuntimeAvailable } from '../container/restartable-container.js';
import { MariaDbContainerServer } from './container-server.js';
import { LocalMariaDb } from './local-server.js';

/** Environment variable that forces the backend: `binary`, `container` or `auto`. */
export const MARIADB_BACKEND_ENV = 'KUSTO_MARIADB_BACKEND';
/** The account handles log in as (local backend; the container backend uses `root`). */
export const DEFAULT_MARIADB_USER = 'kusto';
/** Server `max_connections`: room for 200-client restart tests and an admin session. */
export const DEFAULT_MARIADB_MAX_CONNECTIONS = 300;
export const DEFAULT_MARIADB_READY_TIMEOUT_MS = 30_000;

export interface StartMariaDbOptions {
  /**
   * Which server to run. `auto` uses a container when testcontainers finds a runtime, else the
   * system's `mariadbd`. Default: the `KUSTO_MARIADB_BACKEND` variable, else `auto`.
   */
  readonly backend?: MariaDbBackendKind | 'auto';
  /** Fixed port (binary backend). Default: a free port chosen by the kernel (another is tried if it gets taken first). */
  readonly port?: number;
  /** The account handles log in as (binary backend). Default `kusto`. */
  readonly user?: string;
  /** Its password. Default: 24 random hex characters. */
  readonly password?: string;
  /** Server `max_connections`. Default 300. */
  readonly maxConnections?: number;
  /** Extra server options, passed as `--name=value` (e.g. `{ 'wait-timeout': '5' }`). Default none. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Container image (container backend). Default `mariadb:11`. */
  readonly image?: string;
  /**
   * The `mariadbd` program (binary backend). Default: the `MARIADB_BINARY` variable, else
   * `mariadbd` on `PATH`, else `/usr/sbin/mariadbd`, else `/usr/bin/mariadbd`.
   */
  readonly binary?: string;
  /** How long a start waits for the server to answer. Default 30 000 ms. */
  readonly readyTimeoutMs?: number;
  /** Receives each line the server prints. Default: discarded. */
  readonly onLog?: (line: string) => void;
  /** Environment to read `KUSTO_MARIADB_BACKEND`, `MARIADB_BINARY` and `PATH` from. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/** A running (or stopped) MariaDB server owned by this process. */
export interface MariaDbServer {
  readonly backend: MariaDbBackendKind;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly running: boolean;
  /** `mysql://` URL of `database` (default: none selected), with credentials. */
  url(database?: string): string;
  /** Creates `name` (no-op when it exists) and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Drops `name` (sessions using it stay open, without a database). */
  dropDatabase(name: string): Promise<void>;
  /**
   * `KILL CONNECTION` for every session whose current database is `database` (default: every
   * database), except the admin session doing it; returns how many were killed.
   */
  killConnections(database?: string): Promise<number>;
  /** Sessions whose current database is `database` (default: all but the admin session asking). */
  connectionCount(database?: string): Promise<number>;
  /** Runs one statement on a short-lived admin session (e.g. `ALTER USER`); placeholders are `?`. */
  query<T = unknown>(sql: string, values?: readonly unknown[]): Promise<T>;
  /** Stops the server (SIGTERM: a normal shutdown, every session closed), keeping the data. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  restart(): Promise<void>;
  /**
   * Freezes the server (SIGSTOP to it and its workers; a container is paused): connections stay
   * open and the kernel still accepts new ones, but nothing answers until `thaw()`.
   */
  freeze(): Promise<void>;
  /** Lets a frozen server run again (SIGCONT). `stop()` and `close()` thaw first. */
  thaw(): Promise<void>;
  /** Stops it and removes everything it created. Safe to call twice. */
  close(): Promise<void>;
}

function parseBackend(value: string | undefined): MariaDbBackendKind | 'auto' | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'binary' || value === 'container' || value === 'auto') return value;
  throw new TestServerError(
    `${MARIADB_BACKEND_ENV}=${JSON.stringify(value)} is not a backend: use "binary", "container" or "auto".`,
    'INVALID_OPTIONS',
  );
}

/** Quotes an identifier for MySQL (backticks, embedded ones doubled). */
function quoteName(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

class MariaDbHandle extends BackendHandle<MariaDbBackendKind, MariaDbBackend> implements MariaDbServer {
  #closing: Promise<void> | undefined;


  url(database?: string): string {
    const { user, password, host, port } = this.server;
    const path = database === undefined ? '' : encodeURIComponent(database);
    return `mysql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${path}`;
  }

  private admin<T>(work: (connection: Connection) => Promise<T>): Promise<T> {
    if (!this.server.running) {
      return Promise.reject(new TestServerError('The MariaDB server is stopped; call start() first.', 'NOT_RUNNING'));
    }
    return withMariaDbConnection(this.server, work);
  }

  query<T = unknown>(sql: string, values: readonly unknown[] = []): Promise<T> {
    return this.admin((connection) => connection.query<T>(sql, [...values]));
  }

  async createDatabase(name: string): Promise<string> {
    assertDatabaseName(name);
    await this.admin((connection) => connection.query(`CREATE DATABASE IF NOT EXISTS ${quoteName(name)}`));
    return this.url(name);
  }

  async dropDatabase(name: string): Promise<void> {
    assertDatabaseName(name);
    await this.admin((connection) => connection.query(`DROP DATABASE IF EXISTS ${quoteName(name)}`));
  }

  private sessions(connection: Connection, database: string | undefined): Promise<{ id: number }[]> {
    return connection.query<{ id: number }[]>(
      `SELECT ID AS id FROM information_schema.PROCESSLIST
        WHERE ID <> CONNECTION_ID() AND COMMAND NOT IN ('Daemon', 'Killed') AND USER <> 'system user'
          AND (? IS NULL OR DB = ?)`,
      [database ?? null, database ?? null],
    );
  }

  killConnections(database?: string): Promise<number> {
    if (database !== undefined) assertDatabaseName(database);
    return this.admin(async (connection) => {
      let killed = 0;
      for (const { id } of await this.sessions(connection, database)) {
        try {
          await connection.query(`KILL CONNECTION ${Number(id)}`);
          killed += 1;
        } catch (error) {
          // 1094 unknown thread: it ended on its own meanwhile.
          if ((error as { errno?: number }).errno !== 1094) throw error;
        }
      }
      return killed;
    });
  }

  connectionCount(database?: string): Promise<number> {
    if (database !== undefined) assertDatabaseName(database);
    return this.admin(async (connection) => (await this.sessions(connection, database)).length);
  }

  async start(): Promise<void> {
    if (this.#closing) throw new TestServerError('This MariaDB was closed; start a new one with startMariaDb().', 'NOT_RUNNING');
    await this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  close(): Promise<void> {
    this.#closing ??= this.server.close();
    return this.#closing;
  }
}

/**
 * Starts a real MariaDB server on 127.0.0.1: a testcontainers container where a container runtime
 * answers, otherwise the system's `mariadbd` (Debian's `mariadb-server`) with a fresh data dir
 * under the OS temp dir. `handle.backend` says which. A start failure is a `TestServerError`
 * with the end of the server's output; `mariadbAvailability()` says beforehand whether either can run.
 */
export async function startMariaDb(options: StartMariaDbOptions = {}): Promise<MariaDbServer> {
  const env = options.env ?? process.env;
  const requested = options.backend ?? parseBackend(env[MARIADB_BACKEND_ENV]) ?? 'auto';
  const backend = requested === 'auto' ? ((await containerRuntimeAvailable()) ? 'container' : 'binary') : requested;
  const password = options.password ?? randomBytes(12).toString('hex');
  const maxConnections = options.maxConnections ?? DEFAULT_MARIADB_MAX_CONNECTIONS;
  const settings = options.settings ?? {};
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_MARIADB_READY_TIMEOUT_MS;
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port > 0 && options.port < 65_536)) {
    throw new TestServerError(`port must be a TCP port number, got ${options.port}.`, 'INVALID_OPTIONS');
  }
  if (backend === 'container') {
    return new MariaDbHandle(
      await MariaDbContainerServer.create({ image: options.image, password, maxConnections, settings, readyTimeoutMs }),
    );
  }
  const programs = locateMariaDb({ binary: options.binary, env });
  if ('reason' in programs) throw new TestServerError(`Cannot start MariaDB: ${programs.reason}.`, 'BINARIES_NOT_FOUND');
  const server = await LocalMariaDb.create({
    programs,
    port: options.port,
    user: options.user ?? DEFAULT_MARIADB_USER,
    password,
    maxConnections,
    settings,
    readyTimeoutMs,
    onLog: options.onLog,
  });
  return new MariaDbHandle(server);
}
