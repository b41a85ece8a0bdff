import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import mariadb from 'mariadb';
import { resolveServerUser } from '../embedded/server-user.js';
import { TestServerError } from '../errors.js';
import { createTestMariaDbDatabase, startTestMariaDb } from '../testing.js';
import { mariadbAvailability } from './binary.js';
import { startMariaDb, type MariaDbServer } from './start-mariadb.js';

const availability = await mariadbAvailability();
const suite = availability.available ? describe : describe.skip;
const skipNote = availability.available ? '' : ` (skipped: ${availability.reason})`;

/** The connector takes `mariadb://` URLs only; our handles hand out `mysql://` (Prisma's scheme). */
function connect(url: string) {
  return mariadb.createConnection({ ...connectionConfig(url), connectTimeout: 5_000, logParam: false });
}

function connectionConfig(url: string) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.slice(1)) || undefined,
  };
}

async function query<T>(url: string, sql: string): Promise<T> {
  const connection = await connect(url);
  try {
    return await connection.query<T>(sql);
  } finally {
    await connection.end();
  }
}

suite(`startMariaDb${skipNote}`, () => {
  let server: MariaDbServer;

  beforeAll(async () => {
    server = await startTestMariaDb();
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  test('answers on its URL as a password-protected account, on loopback', async () => {
    expect(server.running).toBe(true);
    expect(server.host).toBe('127.0.0.1');
    const url = new URL(server.url('mysql'));
    expect(url.protocol).toBe('mysql:');
    expect(url.password).toMatch(/^[0-9a-f]{24}$/);
    const rows = await query<{ version: string }[]>(server.url(), 'SELECT VERSION() AS version');
    expect(rows[0]?.version).toMatch(/MariaDB/);
    const wrong = new URL(server.url());
    wrong.password = 'not-the-password';
    await expect(query(wrong.toString(), 'SELECT 1')).rejects.toMatchObject({ errno: 1045 });
  });

  test('the root account is not open without a password', async () => {
    await expect(
      mariadb.createConnection({ host: server.host, port: server.port, user: 'root', password: '', connectTimeout: 5_000 }),
    ).rejects.toMatchObject({ errno: 1045 });
  });

  test('createDatabase returns the URL of a new, empty database and is idempotent; dropDatabase drops it', async () => {
    const url = await server.createDatabase('created_one');
    expect(await server.createDatabase('created_one')).toBe(url);
    expect(await query<{ db: string }[]>(url, 'SELECT DATABASE() AS db')).toEqual([{ db: 'created_one' }]);
    await server.dropDatabase('created_one');
    await expect(query(url, 'SELECT 1')).rejects.toMatchObject({ errno: 1049 });
  });

  test('rejects database names that are not plain identifiers', async () => {
    await expect(server.createDatabase('bad`; DROP DATABASE x; --')).rejects.toThrow(TestServerError);
  });

  test('killConnections kills the sessions of one database, not the others nor its own', async () => {
    const [one, other] = await Promise.all([createTestMariaDbDatabase(server, 'kill'), createTestMariaDbDatabase(server, 'spared')]);
    const victims = await Promise.all([connect(one.url), connect(one.url)]);
    const spared = await connect(other.url);
    const errors: unknown[] = [];
    for (const victim of victims) victim.on('error', (error) => errors.push(error));
    expect(await server.connectionCount(one.name)).toBe(2);

    expect(await server.killConnections(one.name)).toBe(2);

    for (const victim of victims) await expect(victim.query('SELECT 1')).rejects.toMatchObject({ fatal: true });
    expect(await server.connectionCount(one.name)).toBe(0);
    await expect(spared.query('SELECT 1 AS ok')).resolves.toEqual([{ ok: 1 }]);
    await spared.end();
    await Promise.all([one.drop(), other.drop()]);
  });

  test('keeps data across stop and start on the same port, and refuses connections while stopped', async () => {
    const url = await server.createDatabase('kept');
    await query(url, 'CREATE TABLE t (v VARCHAR(20))');
    await query(url, "INSERT INTO t VALUES ('survives')");
    const port = server.port;

    await server.stop();
    expect(server.running).toBe(false);
    await expect(query(url, 'SELECT 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(server.createDatabase('while_stopped')).rejects.toThrow(/stopped/);

    await server.start();
    expect(server.port).toBe(port);
    expect(await query(url, 'SELECT v FROM t')).toEqual([{ v: 'survives' }]);
  });

  test('restart closes live sessions and comes back on the same URL', async () => {
    const url = await server.createDatabase('restarted');
    const session = await connect(url);
    session.on('error', () => undefined);
    const before = session.threadId;

    await server.restart();

    await expect(session.query('SELECT 1')).rejects.toMatchObject({ fatal: true });
    const fresh = await connect(url);
    expect(fresh.threadId).not.toBe(before);
    await fresh.end();
  });

  test('query runs admin statements as the handle user', async () => {
    await server.query('CREATE DATABASE IF NOT EXISTS admin_probe');
    const rows = await server.query<{ n: number }[]>('SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [
      'admin_probe',
    ]);
    expect(Number(rows[0]?.n)).toBe(1);
  });
});

suite(`startMariaDb close${skipNote}`, () => {
  test('close() stops the server, removes its folder, is safe twice, and a closed handle cannot start', async () => {
    const server = await startMariaDb({ backend: 'binary' });
    const dir = (server as unknown as { server: { dir: string } }).server.dir;
    expect(existsSync(dir)).toBe(true);
    await server.close();
    await server.close();
    expect(existsSync(dir)).toBe(false);
    expect(server.running).toBe(false);
    await expect(server.start()).rejects.toMatchObject({ code: 'NOT_RUNNING' });
  }, 60_000);

  test("a starting server leaves the shared temp dir's #sql files alone (other servers' temp tables): it has a temp dir of its own", async () => {
    // What a starting mariadbd deletes in its temp dir, as the server's user would own it.
    const stray = path.join(os.tmpdir(), `#sql-temptable-kusto-${randomBytes(4).toString('hex')}-1-1.MAI`);
    await fs.writeFile(stray, '');
    const serverUser = await resolveServerUser('mysql', 'MariaDB');
    if (serverUser) await fs.chown(stray, serverUser.uid, serverUser.gid);
    const server = await startMariaDb({ backend: 'binary' });
    try {
      const dir = (server as unknown as { server: { dir: string } }).server.dir;
      const rows = await query<{ tmpdir: string }[]>(server.url(), 'SELECT @@tmpdir AS tmpdir');
      expect(path.dirname(rows[0]!.tmpdir)).toBe(dir);
      expect(existsSync(stray)).toBe(true);
    } finally {
      await server.close();
      await fs.rm(stray, { force: true });
    }
  }, 60_000);

  test('a missing program says how to install it', async () => {
    await expect(startMariaDb({ backend: 'binary', env: { MARIADB_BINARY: '/nowhere/mariadbd' } })).rejects.toMatchObject({
      code: 'BINARIES_NOT_FOUND',
      message: 'Cannot start MariaDB: MARIADB_BINARY (/nowhere/mariadbd) is not an executable file.',
    });
  });
});
