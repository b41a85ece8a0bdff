// Shared setup: one real Postgres for the whole run, the databases and tables the benchmarks use,
// and Prisma fixture projects with really generated clients (cached in bench/.fixtures).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startPostgres } from '@kusto/test-servers';
import { EVENT_MODELS, NOTE_MODELS, USER_MODELS, fixtureProject, schemaFor } from '@kusto/test-servers/prisma-fixtures';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const KUSTO_DB_BIN = createRequire(path.join(BENCH_DIR, 'package.json')).resolve('@kusto/db-cli/package.json').replace(/package\.json$/, 'bin/kusto-db.js');

const AUDIT_MODELS = `model Audit {
  id     Int    @id @default(autoincrement())
  action String
}`;

/** The four databases used by most benchmarks: folder name → schema. */
export const FOUR_DATABASES = {
  user: schemaFor('postgresql', USER_MODELS),
  event: schemaFor('postgresql', EVENT_MODELS),
  note: schemaFor('postgresql', NOTE_MODELS),
  audit: schemaFor('postgresql', AUDIT_MODELS),
};

/** Ten folders for the cold-start benchmark: the four above and six more user-like databases. */
export const TEN_DATABASES = {
  ...FOUR_DATABASES,
  ...Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`extra${i + 1}`, schemaFor('postgresql', USER_MODELS)])),
};

export const ONE_DATABASE = { user: FOUR_DATABASES.user };

const TABLES = {
  user: 'CREATE TABLE IF NOT EXISTS "User" (id SERIAL PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT)',
  event: 'CREATE TABLE IF NOT EXISTS "Event" (id SERIAL PRIMARY KEY, kind TEXT NOT NULL)',
  note: 'CREATE TABLE IF NOT EXISTS "Note" (id SERIAL PRIMARY KEY, body TEXT NOT NULL)',
  audit: 'CREATE TABLE IF NOT EXISTS "Audit" (id SERIAL PRIMARY KEY, action TEXT NOT NULL)',
};
const SEED = {
  user: `INSERT INTO "User" (email, name) SELECT 'u' || g || '@bench.test', 'User ' || g FROM generate_series(1, 1000) g ON CONFLICT DO NOTHING`,
  event: `INSERT INTO "Event" (kind) SELECT 'k' || g FROM generate_series(1, 100) g`,
  note: `INSERT INTO "Note" (body) SELECT 'n' || g FROM generate_series(1, 100) g`,
  audit: `INSERT INTO "Audit" (action) SELECT 'a' || g FROM generate_series(1, 100) g`,
};

/**
 * Postgres database name → table kind. `conns`, `pooler_direct` and `pooler_bouncer` are copies of
 * `user` watched alone in pg_stat_activity (by the connections and pooler benchmarks).
 */
const PG_DATABASES = { user: 'user', event: 'event', note: 'note', audit: 'audit', conns: 'user', recovery: 'user', blackhole: 'user', pooler_direct: 'user', pooler_bouncer: 'user' };

export const USER_ROWS = 1000;

/** Starts Postgres, creates and seeds the databases, generates the fixture projects. */
export async function setUp(log) {
  let started = performance.now();
  const [server, projects] = await Promise.all([
    startPostgres({ backend: 'embedded' }),
    (async () => {
      // Sequential: prisma generate is CPU-bound and the machine has 2 cores. Cached after the first run.
      const four = await fixtureProject({ packageDir: BENCH_DIR, databases: FOUR_DATABASES });
      const ten = await fixtureProject({ packageDir: BENCH_DIR, databases: TEN_DATABASES });
      const one = await fixtureProject({ packageDir: BENCH_DIR, databases: ONE_DATABASE });
      return { four, ten, one };
    })(),
  ]);
  log(`postgres (${server.backend}) on ${server.host}:${server.port} and fixtures ready in ${Math.round(performance.now() - started)} ms`);
  started = performance.now();
  const urls = {};
  for (const [database, kind] of Object.entries(PG_DATABASES)) {
    urls[database] = await server.createDatabase(database);
    const client = new pg.Client({ connectionString: urls[database] });
    await client.connect();
    try {
      await client.query(TABLES[kind]);
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM "${kind[0].toUpperCase()}${kind.slice(1)}"`);
      if (rows[0].n === 0) await client.query(SEED[kind]);
    } finally {
      await client.end();
    }
  }
  log(`databases created and seeded in ${Math.round(performance.now() - started)} ms`);
  return { server, projects, urls };
}

/** Environment with `RDS_<NAME>_URL` for the four databases (what a real app would have). */
export function databaseEnv(urls, overrides = {}) {
  return {
    RDS_USER_URL: urls.user,
    RDS_EVENT_URL: urls.event,
    RDS_NOTE_URL: urls.note,
    RDS_AUDIT_URL: urls.audit,
    ...overrides,
  };
}

/** The generated PrismaClient class of a fixture folder (CommonJS, `prisma-client-js`). */
export function loadGeneratedClient(project, database) {
  const require = createRequire(path.join(project, 'package.json'));
  return require(path.join(project, 'src', 'app', 'db', database, 'client')).PrismaClient;
}

/** Counts server connections to `database` (client backends only) through an admin connection. */
export async function countConnections(admin, database) {
  const { rows } = await admin.query(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'",
    [database],
  );
  return rows[0].n;
}
