import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startPostgres, startTcpProxy, type PostgresServer, type TcpProxy } from '@kusto/test-servers';
import { DatabaseUnavailableError, ManagerClosedError } from '../errors.js';
import { classifyError } from './classify-error.js';
import { createKustoDb, type KustoDb } from '../manager.js';
import type { KustoDbOptions } from '../options.js';
import { fixtureProject, schemaFor, USER_MODELS } from '../test-support/fixture-project.js';

// Every fault here is caused for real on a server of this file's own: stopping it, terminating
// its backends, or a proxy that accepts TCP and never answers.

interface Probe {
  $queryRawUnsafe<T>(sql: string): Promise<T>;
}

let server: PostgresServer;
let proxy: TcpProxy;
let project: string;
let directUrl: string;
const managers: KustoDb[] = [];

beforeAll(async () => {
  [server, project] = await Promise.all([
    startPostgres({ backend: 'embedded' }),
    fixtureProject({ main: schemaFor('postgresql', USER_MODELS) }),
  ]);
  directUrl = await server.createDatabase('faults');
  proxy = await startTcpProxy({ targetHost: server.host, targetPort: server.port });
}, 60_000);

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.disconnectAll()));
  proxy.heal();
  if (!server.running) await server.start();
});

afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

const FAST: KustoDbOptions = {
  profile: 'traditional',
  checkIntervalMs: 50,
  checkTimeoutMs: 3_000, // generous: the first check of a new client also loads Prisma's query compiler, slow on a loaded CI machine
  maxRetries: 2,
  retryDelayMs: 20,
  cooldownMs: 200,
  pool: { connectionTimeoutMillis: 1_000 },
};

function manager(url: string, options: KustoDbOptions = {}): KustoDb {
  const m = createKustoDb({ cwd: project, env: { RDS_MAIN_URL: url }, ...FAST, ...options });
  managers.push(m);
  return m;
}

async function query(m: KustoDb): Promise<number> {
  const client = (await m.getClient('main')) as unknown as Probe;
  const rows = await client.$queryRawUnsafe<{ one: number }[]>('SELECT 1 AS one');
  return rows[0]!.one;
}

/** Queries of this file's database sleeping in `pg_sleep` right now, seen from a direct connection. */
async function activeSleeps(): Promise<number> {
  const admin = new pg.Client({ connectionString: directUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = 'faults' AND state = 'active' AND query LIKE '%pg_sleep(5)%' AND pid <> pg_backend_pid()",
    );
    return rows[0]!.n;
  } finally {
    await admin.end();
  }
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('what a failure rebuilds', () => {
  test('a refused connection keeps the client (pg replaces dead connections), so no query compiler is rebuilt', async () => {
    const m = manager(directUrl);
    const before = await m.getClient('main');
    await server.stop();
    await sleep(FAST.checkIntervalMs! + 10);
    await expect(m.getClient('main')).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await server.start();
    await sleep(m.statusOf('main').retryAfterMs + 10);
    expect(await m.getClient('main')).toBe(before);
    expect(await query(m)).toBe(1);
  });

  test('a rotated password is picked up: the client is rebuilt from the new URL', async () => {
    const wrong = new URL(directUrl);
    wrong.password = 'rotated-away';
    const env: NodeJS.ProcessEnv = { RDS_MAIN_URL: wrong.toString() };
    const m = createKustoDb({ cwd: project, env, ...FAST, maxRetries: 0 });
    managers.push(m);
    await expect(m.getClient('main')).rejects.toBeInstanceOf(DatabaseUnavailableError);
    env.RDS_MAIN_URL = directUrl;
    await sleep(m.statusOf('main').retryAfterMs + 10);
    expect(await query(m)).toBe(1);
  });

  test('a pool that cannot hand out a connection in time is a connection failure, not a query error', async () => {
    const m = manager(directUrl, { pool: { max: 1, connectionTimeoutMillis: 300 } });
    const client = (await m.getClient('main')) as unknown as Probe & {
      $transaction<T>(work: (tx: Probe) => Promise<T>, options: { timeout: number }): Promise<T>;
    };
    const holding = client.$transaction((tx) => tx.$queryRawUnsafe('SELECT 1 AS one FROM pg_sleep(1)'), { timeout: 5_000 });
    await sleep(100);
    const starved = await client.$queryRawUnsafe('SELECT 1').catch((error: unknown) => error);
    await holding;
    expect(classifyError(starved)).toBe('connection');
    expect(m.reportError('main', starved)).toBe(true);
  });
});

// On every provider, in provider-faults.int.test.ts: the server stopped during traffic, every
// session killed, sessions ended for being idle, a server that accepts TCP and never answers,
// disconnectAll() during it, 100 concurrent callers during an outage, down at boot.

describe('connections cut without a word (a pooler or load balancer going away)', () => {
  test('queries in flight fail as connection failures (503 material), not as query errors, and the next call recovers', async () => {
    const m = manager(proxy.url(directUrl), { checkIntervalMs: 60_000 });
    expect(await query(m)).toBe(1);
    const client = (await m.getClient('main')) as unknown as Probe & {
      $transaction<T>(work: (tx: Probe) => Promise<T>): Promise<T>;
    };
    const plain = client.$queryRawUnsafe('SELECT pg_sleep(5)').catch((error: unknown) => error);
    const inTransaction = client
      .$transaction(async (tx) => tx.$queryRawUnsafe('SELECT pg_sleep(5)'))
      .catch((error: unknown) => error);
    await waitUntil(async () => (await activeSleeps()) === 2);
    proxy.cut();

    const errors = await Promise.all([plain, inTransaction]);
    // A socket closed mid-query is a plain pg Error with no code; unclassified it would be a 500.
    expect(errors.map((error) => classifyError(error))).toEqual(['connection', 'connection']);
    expect(m.reportError('main', errors[0])).toBe(true);
    expect(await query(m)).toBe(1);
  });
});

describe('shutting down during an outage', () => {
  test('disconnectAll() while a check is out: the caller gets ManagerClosedError and nothing comes back to life', async () => {
    const m = manager(proxy.url(directUrl), { checkTimeoutMs: 2_000 });
    const connects: string[] = [];
    m.on('connect', ({ database }) => connects.push(database));
    proxy.blackhole(); // the first check hangs until disconnectAll
    const pending = m.getClient('main').catch((error: unknown) => error);
    await sleep(100);
    await m.disconnectAll();
    expect(await pending).toBeInstanceOf(ManagerClosedError);
    expect(m.statusOf('main').state).toBe('closed');
    await expect(m.getClient('main')).rejects.toBeInstanceOf(ManagerClosedError);
    expect(connects).toEqual([]);
  });
});

describe('database down at boot', () => {
  test('while the database stays down the cooldown grows, and a single probe goes out per cooldown', async () => {
    await server.stop();
    // random 1: each opening lasts its whole cooldown (no jitter), so the numbers are exact.
    const m = manager(proxy.url(directUrl), { maxRetries: 0, cooldownMs: 100, maxCooldownMs: 400, fastRecoveryWindowMs: 0, random: () => 1 });
    const openings: number[] = [];
    m.on('circuitOpen', ({ retryAfterMs }) => openings.push(retryAfterMs));
    for (let i = 0; i < 4; i++) {
      await expect(m.getClient('main')).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await sleep(m.statusOf('main').retryAfterMs + 5);
    }
    expect(openings).toEqual([100, 200, 400, 400]);
  });

  test('within the fast-recovery window the cooldown stays short, so a restart is noticed quickly', async () => {
    await server.stop();
    const m = manager(proxy.url(directUrl), { maxRetries: 0, cooldownMs: 100, maxCooldownMs: 30_000, fastRecoveryWindowMs: 60_000, random: () => 1 });
    const openings: number[] = [];
    m.on('circuitOpen', ({ retryAfterMs }) => openings.push(retryAfterMs));
    for (let i = 0; i < 4; i++) {
      await expect(m.getClient('main')).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await sleep(m.statusOf('main').retryAfterMs + 5);
    }
    expect(openings).toEqual([100, 100, 100, 100]);
  });

  test('half-open: after the cooldown one caller probes while the others keep failing fast', async () => {
    await server.stop();
    const m = manager(proxy.url(directUrl), { maxRetries: 0, cooldownMs: 100 });
    await expect(m.getClient('main')).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await sleep(m.statusOf('main').retryAfterMs + 5);

    const acceptedBefore = proxy.acceptedCount;
    const callers = Array.from({ length: 50 }, () => m.getClient('main').then(() => undefined, (e: unknown) => e as DatabaseUnavailableError));
    const errors = await Promise.all(callers);
    expect(errors.every((e) => e instanceof DatabaseUnavailableError)).toBe(true);
    expect(errors.filter((e) => e !== undefined && /recovery probe is in progress/.test(e.message))).toHaveLength(49);
    expect(proxy.acceptedCount - acceptedBefore).toBe(1);
  });
});
