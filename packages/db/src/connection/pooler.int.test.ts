import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { PgBouncer } from '@kusto/test-servers';
import { createTestDatabase, pgbouncerAvailability, startTestPgBouncer, type TestDatabase } from '@kusto/test-servers/testing';
import { DatabaseUnavailableError, SessionUnavailableError } from '../errors.js';
import { createKustoDb, type KustoDb } from '../manager.js';
import { fixtureProject, schemaFor, USER_MODELS } from '../test-support/fixture-project.js';
import { classifyError } from './classify-error.js';

// Many small app instances behind a real PgBouncer in transaction mode: what the pooler is for
// (server connections bounded by its pool, whatever the number of instances), and what the
// runtime must survive (the pooler itself going away and coming back).

const availability = await pgbouncerAvailability();
const suite = availability.available ? describe : describe.skip;
const skipNote = availability.available ? '' : ` (skipped: ${availability.reason})`;

const INSTANCES = 50;
const POOL_SIZE = 5;

interface User {
  id: number;
  email: string;
  name: string | null;
}
interface UserDelegate {
  create(args: { data: { email: string; name?: string } }): Promise<User>;
  update(args: { where: { id: number }; data: { name: string } }): Promise<User>;
  findUnique(args: { where: { email: string } }): Promise<User | null>;
}
interface UserClient {
  user: UserDelegate;
  $transaction<T>(work: (tx: { user: UserDelegate }) => Promise<T>): Promise<T>;
}

class Rollback extends Error {}

let project: string;
let database: TestDatabase;
let bouncer: PgBouncer;

beforeAll(async () => {
  if (!availability.available) return;
  [project, database] = await Promise.all([fixtureProject({ main: schemaFor('postgresql', USER_MODELS) }), createTestDatabase('pooler')]);
  await withDirect((client) =>
    client.query('CREATE TABLE "User" (id SERIAL PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT)').then(() => undefined),
  );
  bouncer = await startTestPgBouncer({ defaultPoolSize: POOL_SIZE });
}, 120_000);

afterAll(async () => {
  await bouncer?.close();
});

async function withDirect<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** One Lambda-like app instance: its own manager, serverless profile, a pool of one. */
function instance(env: Record<string, string>): KustoDb {
  return createKustoDb({
    cwd: project,
    profile: 'serverless',
    env,
    checkTimeoutMs: 5_000, // the first check of each new client loads Prisma's query compiler: slow with 50 at once on a small machine
    cooldownMs: 100,
    pool: { max: 1, connectionTimeoutMillis: 5_000 },
  });
}

function pooledEnv(): Record<string, string> {
  return { RDS_MAIN_URL: bouncer.url(database.name, { pgbouncerFlag: true }) };
}

/** Server connections to the test database, as the server sees them, sampled until stopped. */
function sampleServerConnections(): { stop(): Promise<number[]> } {
  const counts: number[] = [];
  let running = true;
  const done = withDirect(async (client) => {
    while (running) {
      const { rows } = await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [database.name],
      );
      counts.push(rows[0]!.n);
      await sleep(5);
    }
  });
  return {
    async stop() {
      running = false;
      await done;
      return counts;
    },
  };
}

/** A write, a read of it, a committed interactive transaction and a rolled-back one. */
async function unitOfWork(db: KustoDb, label: string): Promise<void> {
  const client = (await db.getClient('main')) as unknown as UserClient;
  const email = `${label}@pool.test`;
  await client.user.create({ data: { email } });
  const read = await client.user.findUnique({ where: { email } });
  if (read?.email !== email) throw new Error(`read after write through the pooler missed ${email}`);
  await client.$transaction(async (tx) => {
    const created = await tx.user.create({ data: { email: `${label}.tx@pool.test` } });
    await tx.user.update({ where: { id: created.id }, data: { name: 'committed' } });
  });
  await client
    .$transaction(async (tx) => {
      await tx.user.create({ data: { email: `${label}.rb@pool.test` } });
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
}

suite(`${INSTANCES} serverless instances through PgBouncer (transaction mode, pool ${POOL_SIZE})${skipNote}`, () => {
  test('writes, reads and interactive transactions: no errors, and the server never sees more connections than the pool', async () => {
    const instances = Array.from({ length: INSTANCES }, () => instance(pooledEnv()));
    const sampler = sampleServerConnections();
    let mostInstancesConnected = 0;
    const watch = setInterval(() => {
      const connected = instances.filter((db) => (db.statusOf('main').pool?.total ?? 0) > 0).length;
      mostInstancesConnected = Math.max(mostInstancesConnected, connected);
    }, 5);
    const errors: unknown[] = [];
    try {
      await Promise.all(
        instances.map(async (db, i) => {
          for (let round = 0; round < 3; round++) {
            await unitOfWork(db, `i${i}-r${round}`).catch((error: unknown) => errors.push(error));
          }
        }),
      );
    } finally {
      clearInterval(watch);
      await Promise.all(instances.map((db) => db.disconnectAll()));
    }
    const counts = await sampler.stop();

    expect(errors).toEqual([]);
    const rows = await withDirect(async (client) => {
      const { rows } = await client.query<{ plain: number; committed: number; rolledBack: number }>(
        `SELECT count(*) FILTER (WHERE email NOT LIKE '%.tx@%' AND email NOT LIKE '%.rb@%')::int AS plain,
                count(*) FILTER (WHERE email LIKE '%.tx@%' AND name = 'committed')::int AS committed,
                count(*) FILTER (WHERE email LIKE '%.rb@%')::int AS "rolledBack"
           FROM "User" WHERE email LIKE 'i%-r%'`,
      );
      return rows[0]!;
    });
    expect(rows).toEqual({ plain: INSTANCES * 3, committed: INSTANCES * 3, rolledBack: 0 });
    // The pooler really multiplexed: more instances held a connection at once than it has server connections…
    expect(mostInstancesConnected).toBeGreaterThan(POOL_SIZE);
    // …and the server never saw more than its pool.
    expect(counts.length).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBeLessThanOrEqual(POOL_SIZE);
  }, 180_000);

  test('PgBouncer stopped and started under load: connection-class failures (503s) while down, every instance recovers', async () => {
    const instances = Array.from({ length: INSTANCES }, () => instance(pooledEnv()));
    type Phase = 'before' | 'down' | 'after';
    let phase: Phase = 'before';
    const failures: Record<Phase, unknown[]> = { before: [], down: [], after: [] };
    const recovered = new Set<number>();
    let running = true;
    const loops = instances.map(async (db, i) => {
      for (let n = 0; running; n++) {
        const startedIn = phase;
        try {
          await unitOfWork(db, `s${i}-${n}`);
          // Only work begun after the start counts as recovered.
          if (startedIn === 'after') recovered.add(i);
        } catch (error) {
          // Filed under the phase it failed in: work in flight when PgBouncer stops fails "down".
          failures[phase].push(error);
          // What the middleware's error handler does with a failed request.
          db.reportError('main', error);
          await sleep(20);
        }
      }
    });
    try {
      await waitFor(() => instances.every((db) => db.statusOf('main').state === 'ready'), 'every instance connected');
      await sleep(300);
      phase = 'down';
      await bouncer.stop();
      await waitFor(() => failures.down.some((error) => error instanceof DatabaseUnavailableError), 'a DatabaseUnavailableError while PgBouncer is down');
      await sleep(500);
      await bouncer.start();
      phase = 'after';
      await waitFor(() => recovered.size === INSTANCES, 'every instance to succeed again after the start');
    } finally {
      running = false;
      await Promise.all(loops);
      await Promise.all(instances.map((db) => db.disconnectAll()));
    }

    expect(failures.before).toEqual([]);
    expect(failures.down.length).toBeGreaterThan(0);
    // Nothing that would be a 500: every failure is one the middleware answers with 503.
    const kinds = new Set([...failures.down, ...failures.after].map((error) => classifyError(error)));
    expect(kinds.has('query')).toBe(false);
    expect(recovered.size).toBe(INSTANCES);
    expect(instances.some((db) => db.statusOf('main').circuitOpenCount > 0)).toBe(true);
  }, 180_000);
});

suite(`session work behind a transaction pooler${skipNote}`, () => {
  test('sessionUrl() gives the direct URL, on which LISTEN/NOTIFY works; status shows the pooled URL and the direct target redacted', async () => {
    const db = createKustoDb({ cwd: project, env: { ...pooledEnv(), RDS_MAIN_DIRECT_URL: database.url } });
    try {
      expect(db.sessionUrl('main')).toBe(database.url);
      expect(db.statusOf('main')).toMatchObject({
        pooled: true,
        direct: { envVar: 'RDS_MAIN_DIRECT_URL', urlSet: true, target: `postgresql://${new URL(database.url).host}${new URL(database.url).pathname}` },
      });
      expect(JSON.stringify(db.statusOf('main'))).not.toContain(new URL(database.url).password);

      const listener = new pg.Client({ connectionString: db.sessionUrl('main') });
      await listener.connect();
      try {
        const received = new Promise<string | undefined>((resolve) => listener.once('notification', (message: pg.Notification) => resolve(message.payload)));
        await listener.query('LISTEN kusto_pooler_test');
        await withDirect((client) => client.query("NOTIFY kusto_pooler_test, 'hello'"));
        expect(await received).toBe('hello');
      } finally {
        await listener.end();
      }
      // The app's own queries still go through the pooler and work.
      const client = (await db.getClient('main')) as unknown as UserClient;
      expect(await client.user.findUnique({ where: { email: 'nobody@pool.test' } })).toBeNull();
    } finally {
      await db.disconnectAll();
    }
  });

  test('with only a pgbouncer=true URL, sessionUrl() refuses and says which variable to set; a plain URL is its own session URL', () => {
    const pooledOnly = createKustoDb({ cwd: project, env: pooledEnv() });
    expect(() => pooledOnly.sessionUrl('main')).toThrow(SessionUnavailableError);
    expect(() => pooledOnly.sessionUrl('main')).toThrow(/RDS_MAIN_URL has pgbouncer=true.*Set RDS_MAIN_DIRECT_URL/s);
    const plain = createKustoDb({ cwd: project, env: { RDS_MAIN_URL: database.url } });
    expect(plain.sessionUrl('main')).toBe(database.url);
  });
});

async function waitFor(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(25);
  }
}
