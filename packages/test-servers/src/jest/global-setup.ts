import { startPostgres, type PostgresServer } from '../start-postgres.js';
import { SHARED_BACKEND_ENV, SHARED_SERVER_KEY, SHARED_URL_ENV } from './shared-server.js';

/**
 * Jest `globalSetup`: one real Postgres for the whole run. Workers inherit the admin URL through
 * the environment; each test file creates its own database with `createTestDatabase()`.
 * A URL already in `KUSTO_TEST_PG_URL` (a server you run yourself) is used as it is; tests that
 * count statements then need `pg_stat_statements` preloaded there too.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env[SHARED_URL_ENV]) return;
  // pg_stat_statements lets tests count on the server what really ran (e.g. health checks).
  const server = await startPostgres({ settings: { shared_preload_libraries: 'pg_stat_statements' } });
  process.env[SHARED_URL_ENV] = server.url();
  process.env[SHARED_BACKEND_ENV] = server.backend;
  (globalThis as Record<symbol, PostgresServer | undefined>)[SHARED_SERVER_KEY] = server;
}
