import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import util from 'node:util';
import pg from 'pg';
import { TestServerError } from '../errors.js';
import { createTestDatabase, sharedServerUrl, startTestPgBouncer, type TestDatabase } from '../testing.js';
import { pgbouncerAvailability } from './binary.js';
import type { PgBouncer } from './start-pgbouncer.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const availability = await pgbouncerAvailability();

function connect(url: string) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  const errors: Error[] = [];
  client.on('error', (error) => errors.push(error));
  return { client, errors };
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const { client } = connect(url);
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Client backends on the server (not through PgBouncer) connected to `database`. */
async function serverConnections(admin: pg.Client, database: string): Promise<number> {
  const result = await admin.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'",
    [database],
  );
  return result.rows[0]!.n;
}

/** Polls `check` until it holds; the bound only keeps a broken build from hanging. */
async function eventually(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

describe(`startPgBouncer in front of the shared server${availability.available ? ` (PgBouncer ${availability.version})` : ''}`, () => {
  if (!availability.available) {
    test.skip(`skipped: ${availability.reason}`, () => undefined);

    test('starting PgBouncer where it cannot run is a clear error, not a hang', async () => {
      await expect(startTestPgBouncer()).rejects.toThrow(/PgBouncer/);
    });
    return;
  }

  let db: TestDatabase;
  let bouncer: PgBouncer;
  let admin: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase('pgbouncer');
    bouncer = await startTestPgBouncer();
    admin = new pg.Client({ connectionString: sharedServerUrl() });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end();
    await bouncer?.close();
    await db?.drop();
  });

  test('runs in transaction mode with 5 server connections per pool on 127.0.0.1 by default', () => {
    expect(bouncer.host).toBe('127.0.0.1');
    expect(bouncer.poolMode).toBe('transaction');
    expect(bouncer.defaultPoolSize).toBe(5);
    expect(bouncer.maxClientConn).toBe(1000);
    expect(bouncer.state).toBe('running');
    expect(bouncer.url(db.name)).toMatch(new RegExp(`^postgresql://[^@]+@127\\.0\\.0\\.1:${bouncer.port}/${db.name}$`));
  });

  test('queries reach the database of the same name on the server, and PgBouncer counts them', async () => {
    const rows = await query<{ db: string; port: number }>(
      bouncer.url(db.name),
      'SELECT current_database() AS db, inet_server_port() AS port',
    );
    expect(rows).toEqual([{ db: db.name, port: Number(new URL(sharedServerUrl()).port) }]);

    const pools = await bouncer.showPools();
    expect(pools.find((pool) => pool.database === db.name)).toMatchObject({ user: bouncer.user, pool_mode: 'transaction' });
    const stats = await bouncer.showStats();
    expect(stats.find((row) => row.database === db.name)?.total_query_count).toBeGreaterThanOrEqual(1);
  });

  test('transaction pooling: 30 concurrent clients share at most defaultPoolSize server connections', async () => {
    const own = await createTestDatabase('pgbouncer_pool');
    const clients = Array.from({ length: 30 }, () => connect(bouncer.url(own.name)).client);
    let running = true;
    let maxServerConnections = 0;
    const sampler = (async () => {
      while (running) maxServerConnections = Math.max(maxServerConnections, await serverConnections(admin, own.name));
    })();
    try {
      await Promise.all(clients.map((client) => client.connect()));
      const pool = (await bouncer.showPools()).find((row) => row.database === own.name);
      expect(pool && pool.cl_active + pool.cl_waiting).toBe(30);

      const pids = await Promise.all(
        clients.map(async (client) => {
          await client.query('BEGIN');
          const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.05)');
          await client.query('COMMIT');
          return rows[0]!.pid;
        }),
      );
      running = false;
      await sampler;

      const distinct = new Set(pids).size;
      expect(distinct).toBeGreaterThanOrEqual(1);
      expect(distinct).toBeLessThanOrEqual(bouncer.defaultPoolSize);
      expect(maxServerConnections).toBeGreaterThanOrEqual(1);
      expect(maxServerConnections).toBeLessThanOrEqual(bouncer.defaultPoolSize);
      expect(await serverConnections(admin, own.name)).toBeLessThanOrEqual(bouncer.defaultPoolSize);
    } finally {
      running = false;
      await sampler;
      await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
      await own.drop();
    }
  });

  test('a multi-statement transaction keeps one server connection and commits or rolls back as a whole', async () => {
    await query(bouncer.url(db.name), 'CREATE TABLE notes (body text)');
    const { client } = connect(bouncer.url(db.name));
    await client.connect();
    try {
      await client.query('BEGIN');
      const first = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await client.query("INSERT INTO notes VALUES ('kept')");
      const seen = await client.query<{ body: string; pid: number }>('SELECT body, pg_backend_pid() AS pid FROM notes');
      expect(seen.rows).toEqual([{ body: 'kept', pid: first.rows[0]!.pid }]);
      await client.query('COMMIT');

      await client.query('BEGIN');
      await client.query("INSERT INTO notes VALUES ('dropped')");
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
    expect(await query(bouncer.url(db.name), 'SELECT body FROM notes')).toEqual([{ body: 'kept' }]);
  });

  test('transaction mode gives two clients the same server connection when the pool has one; session mode does not', async () => {
    const transaction = await startTestPgBouncer({ defaultPoolSize: 1 });
    const session = await startTestPgBouncer({ poolMode: 'session', defaultPoolSize: 2 });
    const clients: pg.Client[] = [];
    const pidsThrough = async (bouncerUnderTest: PgBouncer) => {
      const pair = [connect(bouncerUnderTest.url(db.name)).client, connect(bouncerUnderTest.url(db.name)).client];
      clients.push(...pair);
      await Promise.all(pair.map((client) => client.connect()));
      const pids: number[] = [];
      for (const client of [...pair, ...pair]) {
        pids.push((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
      }
      return pids;
    };
    try {
      expect(session.poolMode).toBe('session');
      const [a1, b1, a2, b2] = await pidsThrough(transaction);
      expect(new Set([a1, b1, a2, b2]).size).toBe(1);
      const [s1, t1, s2, t2] = await pidsThrough(session);
      expect(s1).not.toBe(t1);
      expect(s2).toBe(s1);
      expect(t2).toBe(t1);
    } finally {
      await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
      await transaction.close();
      await session.close();
    }
  });

  test("url(db, { pgbouncerFlag: true }) appends Prisma's ?pgbouncer=true and pg still connects with it", async () => {
    const url = bouncer.url(db.name, { pgbouncerFlag: true });
    expect(url).toBe(`${bouncer.url(db.name)}?pgbouncer=true`);
    expect(await query(url, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  test('authenticates clients with SCRAM against the userlist: a wrong password is refused', async () => {
    const wrong = new URL(bouncer.url(db.name));
    wrong.password = 'not-the-password';
    await expect(query(wrong.toString(), 'SELECT 1')).rejects.toThrow(/SASL authentication failed/);
  });

  test('stop() closes its server connections and the port refuses connections; start() serves the same URL again', async () => {
    const url = bouncer.url(db.name);
    const port = bouncer.port;
    const held = connect(url);
    await held.client.connect();
    await held.client.query('SELECT 1');
    expect(await serverConnections(admin, db.name)).toBeGreaterThanOrEqual(1);

    await bouncer.stop();
    expect(bouncer.state).toBe('stopped');
    expect(bouncer.pid).toBeUndefined();
    await expect(query(url, 'SELECT 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(held.client.query('SELECT 1')).rejects.toThrow();
    expect(held.errors[0]?.message).toMatch(/Connection terminated unexpectedly/);
    await eventually('the server connections PgBouncer held are gone', async () => (await serverConnections(admin, db.name)) === 0);
    await expect(bouncer.showPools()).rejects.toMatchObject({ code: 'NOT_RUNNING' });

    await bouncer.start();
    expect(bouncer.state).toBe('running');
    expect(bouncer.port).toBe(port);
    expect(await query(url, 'SELECT current_database() AS db')).toEqual([{ db: db.name }]);
    await held.client.end().catch(() => undefined);
  });

  test('restart() comes back with a new process on the same port', async () => {
    const before = bouncer.pid;
    await bouncer.restart();
    expect(bouncer.pid).not.toBe(before);
    expect(processExists(before!)).toBe(false);
    expect(await query(bouncer.url(db.name), 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  test('start() called twice at once starts one process, which both calls wait for, and close() stops it', async () => {
    const own = await startTestPgBouncer();
    try {
      await own.stop();
      await Promise.all([own.start(), own.start()]);
      expect(own.state).toBe('running');
      expect(await query(own.url(db.name), 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
      const pid = own.pid!;
      await own.close();
      expect(processExists(pid)).toBe(false);
    } finally {
      await own.close();
    }
  });

  test('close() leaves no process and no folder, can be called twice, and the handle cannot start again', async () => {
    const own = await startTestPgBouncer();
    const pid = own.pid!;
    expect(processExists(pid)).toBe(true);
    expect(existsSync(path.join(own.dir, 'pgbouncer.ini'))).toBe(true);

    await own.close();
    await own.close();
    expect(own.state).toBe('closed');
    expect(processExists(pid)).toBe(false);
    expect(existsSync(own.dir)).toBe(false);
    await expect(own.start()).rejects.toMatchObject({ code: 'NOT_RUNNING' });
  });

  test('a PgBouncer left open is killed, and its folder removed, when the Node process exits', async () => {
    const scenario = path.join(here, 'scenarios', 'exit-without-close.mjs');
    const child = spawn(process.execPath, [scenario], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    const { pid, dir } = JSON.parse(stdout) as { pid: number; dir: string };
    expect(pid).toBeGreaterThan(0);
    await eventually(`pgbouncer ${pid} is gone`, () => !processExists(pid));
    expect(existsSync(dir)).toBe(false);
  });

  test('a start failure is a TestServerError with the end of its log, and the password is in neither the error nor the handle', async () => {
    const password = decodeURIComponent(new URL(sharedServerUrl()).password);
    const failure = await startTestPgBouncer({ settings: { server_lifetime: 'soon' } }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TestServerError);
    expect(failure).toMatchObject({ code: 'START_FAILED' });
    expect((failure as Error).message).toMatch(/invalid value "soon" for parameter server_lifetime/);
    expect((failure as Error).message).not.toContain(password);
    expect(util.inspect(bouncer, { showHidden: true, depth: 10 })).not.toContain(password);
    expect(JSON.stringify(bouncer)).not.toContain(password);
  });
});
