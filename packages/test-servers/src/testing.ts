import { randomBytes } from 'node:crypto';
import { quoteIdentifier } from './identifiers.js';
import { startMariaDb, type MariaDbServer, type StartMariaDbOptions } from './mariadb/start-mariadb.js';
import { startPgBouncer, type PgBouncer, type StartPgBouncerOptions } from './pgbouncer/start-pgbouncer.js';
import { withClient } from './with-client.js';
import { SHARED_BACKEND_ENV, SHARED_URL_ENV } from './jest/shared-server.js';

export { SHARED_BACKEND_ENV, SHARED_URL_ENV } from './jest/shared-server.js';

/** A database of its own for one test file, on the run's shared server. */
export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  /** Drops the database, terminating its connections. */
  drop(): Promise<void>;
}

/** The shared server's admin URL; a clear error when the Jest global setup did not run. */
export function sharedServerUrl(env: NodeJS.ProcessEnv = process.env): string {
  const url = env[SHARED_URL_ENV];
  if (!url) {
    throw new Error(
      `${SHARED_URL_ENV} is not set: integration tests need the Jest global setup of @kusto/test-servers ` +
        '(run them through the package\'s `test` script), or set it to a Postgres admin URL yourself.',
    );
  }
  return url;
}

/** Which backend the shared server runs on, when Jest's global setup started it. */
export function sharedServerBackend(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[SHARED_BACKEND_ENV];
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** Creates a uniquely named database (`<label>_<random>`) on the shared server. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const adminUrl = sharedServerUrl();
  const slug = label.toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 40);
  const name = `${slug}_${randomBytes(4).toString('hex')}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(name)}`));
  return {
    name,
    url: withDatabase(adminUrl, name),
    drop: () =>
      withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

/**
 * Starts a PgBouncer (transaction pooling unless `poolMode` says otherwise) in front of the run's
 * shared server, with its credentials. Every database there, e.g. one from `createTestDatabase()`,
 * is reachable as `bouncer.url(db.name)`. Close it in `afterAll`. Tests that need it should skip
 * when `pgbouncerAvailability()` says it is not installed.
 */
export function startTestPgBouncer(
  options: Omit<StartPgBouncerOptions, 'upstream' | 'user' | 'password'> = {},
): Promise<PgBouncer> {
  const server = new URL(sharedServerUrl());
  return startPgBouncer({
    ...options,
    upstream: { host: server.hostname, port: Number(server.port || 5432) },
    user: decodeURIComponent(server.username),
    password: decodeURIComponent(server.password),
  });
}

export { pgbouncerAvailability, type PgBouncerAvailability } from './pgbouncer/binary.js';

export { mariadbAvailability, type MariaDbAvailability } from './mariadb/binary.js';

/**
 * Starts a MariaDB of its own for a test file (`startMariaDb()` with its defaults; about a second
 * on the binary backend). Close it in `afterAll`. Tests that need it should skip with
 * `mariadbAvailability()`'s reason when it says MariaDB cannot run here:
 *
 * ```ts
 * const mariadb = await mariadbAvailability();
 * const suite = mariadb.available ? describe : describe.skip;
 * suite(`on MariaDB${mariadb.available ? '' : ` (skipped: ${mariadb.reason})`}`, () => { … });
 * ```
 */
export function startTestMariaDb(options: StartMariaDbOptions = {}): Promise<MariaDbServer> {
  return startMariaDb(options);
}

/** Creates a uniquely named database (`<label>_<random>`) on `server`, like `createTestDatabase()` on Postgres. */
export async function createTestMariaDbDatabase(server: MariaDbServer, label = 'test'): Promise<TestDatabase> {
  const slug = label.toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 40);
  const name = `${slug}_${randomBytes(4).toString('hex')}`;
  const url = await server.createDatabase(name);
  return { name, url, drop: () => server.dropDatabase(name) };
}

export { providerServers, type ProviderServer, type ProviderServerKit } from './provider-servers.js';
