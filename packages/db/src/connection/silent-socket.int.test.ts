import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startPostgres, startTcpProxy, type PostgresServer, type TcpProxy } from '@kusto/test-servers';
import { PROFILE_DEFAULTS } from '../defaults.js';
import type { ErrorEvent } from '../events.js';
import { createKustoDb, type KustoDb } from '../manager.js';
import { fixtureProject, schemaFor, USER_MODELS } from '../test-support/fixture-project.js';
import { classifyError } from './classify-error.js';

// Pooled sockets that die without a word: the TCP proxy stops forwarding the connections it has
// open (no FIN, no RST: a NAT or load balancer that forgot them) while new connections still get
// through. The query on such a socket must not wait forever, and the server must stop running it.

let server: PostgresServer;
let proxy: TcpProxy;
let project: string;
let directUrl: string;
const managers: KustoDb[] = [];

beforeAll(async () => {
  [server, project] = await Promise.all([startPostgres({ backend: 'embedded' }), fixtureProject({ main: schemaFor('postgresql', USER_MODELS) })]);
  directUrl = await server.createDatabase('silent');
  proxy = await startTcpProxy({ targetHost: server.host, targetPort: server.port });
}, 60_000);

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.disconnectAll()));
  proxy.heal();
});

afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

interface Probe {
  $queryRawUnsafe<T>(sql: string): Promise<T>;
}

/** Backends of this file's database running `pg_sleep(30)` now, seen from a direct connection. */
async function activeSleeps(): Promise<number> {
  const admin = new pg.Client({ connectionString: directUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = 'silent' AND state = 'active' AND query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()",
    );
    return rows[0]!.n;
  } finally {
    await admin.end();
  }
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe('a pooled connection that goes silent mid-query, default settings', () => {
  test('the query fails as a timeout (503 material) instead of hanging, its connection leaves the pool, the server stops running it, and the next query works on a new connection', async () => {
    expect(PROFILE_DEFAULTS.traditional.pool.queryTimeoutMillis).toBeGreaterThan(0);
    const m = createKustoDb({
      cwd: project,
      env: { RDS_MAIN_URL: proxy.url(directUrl) },
      profile: 'traditional',
      checkTimeoutMs: 3_000, // the first check of a new client also loads Prisma's query compiler
    });
    managers.push(m);
    const poolErrors: ErrorEvent[] = [];
    m.on('error', (event) => event.during === 'pool' && poolErrors.push(event));
    const client = (await m.getClient('main')) as unknown as Probe;
    await client.$queryRawUnsafe('SELECT 1');
    expect(m.statusOf('main').pool).toMatchObject({ total: 1 });

    const pending = client.$queryRawUnsafe('SELECT pg_sleep(30)').then(
      () => 'answered',
      (error: unknown) => error,
    );
    await waitUntil(async () => (await activeSleeps()) === 1, 10_000);
    proxy.stall();

    const error = await pending;
    expect(classifyError(error)).toBe('timeout');
    expect(m.reportError('main', error)).toBe(true);
    // The dead connection was given up: the pool slot is free, and the manager was told.
    expect(m.statusOf('main').pool).toMatchObject({ total: 0 });
    expect(poolErrors.map((event) => event.kind)).toEqual(['timeout']);
    // A cancel request on a new connection stopped the query on the server.
    await waitUntil(async () => (await activeSleeps()) === 0, 5_000);

    const again = (await m.getClient('main')) as unknown as Probe;
    expect(await again.$queryRawUnsafe<{ one: number }[]>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  }, 60_000);

  test('pool.queryTimeoutMillis bounds a slow query on a healthy server too (cancelled there), and 0 turns the bound off', async () => {
    const m = createKustoDb({
      cwd: project,
      env: { RDS_MAIN_URL: directUrl },
      profile: 'traditional',
      checkTimeoutMs: 3_000,
      databases: { main: { pool: { queryTimeoutMillis: 300 } } },
    });
    managers.push(m);
    const client = (await m.getClient('main')) as unknown as Probe;
    // A query that is merely slow on a healthy server is bounded the same way, and cancelled there.
    const error = await client.$queryRawUnsafe('SELECT pg_sleep(30)').catch((e: unknown) => e);
    expect(classifyError(error)).toBe('timeout');
    await waitUntil(async () => (await activeSleeps()) === 0, 5_000);

    // 0 on the database wins over the manager's 300: unbounded, so a 0.5 s query is answered.
    const unbounded = createKustoDb({
      cwd: project,
      env: { RDS_MAIN_URL: directUrl },
      profile: 'traditional',
      checkTimeoutMs: 3_000,
      pool: { queryTimeoutMillis: 300 },
      databases: { main: { pool: { queryTimeoutMillis: 0 } } },
    });
    managers.push(unbounded);
    const slow = (await unbounded.getClient('main')) as unknown as Probe;
    expect(await slow.$queryRawUnsafe<{ done: boolean }[]>('SELECT true AS done FROM pg_sleep(0.5)')).toEqual([{ done: true }]);
  }, 60_000);
});
