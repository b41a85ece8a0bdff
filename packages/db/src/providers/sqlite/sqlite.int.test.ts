import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { classifyError, isConnectionFailure } from '../../connection/classify-error.js';
import { DatabaseFileError, DatabaseUnavailableError } from '../../errors.js';
import type { ErrorEvent } from '../../events.js';
import { createKustoDb, type KustoDb } from '../../manager.js';
import type { KustoDbOptions } from '../../options.js';
import { fixtureProject, schemaFor, USER_MODELS } from '../../test-support/fixture-project.js';
import { holdSqliteLock } from '@kusto/test-servers';

// SQLite through @prisma/adapter-better-sqlite3 on real files: where the file is, what is wrong
// with it, and another connection holding the database locked.

/** The part of better-sqlite3 used here (it ships no types; @types/better-sqlite3 is not a dependency). */
interface SqliteDatabase {
  exec(sql: string): void;
  prepare(sql: string): { get(): unknown };
  close(): void;
}
const require = createRequire(import.meta.url);
const betterSqlite3 = require.resolve('better-sqlite3');
const Database = require('better-sqlite3') as new (file: string, options?: { readonly?: boolean }) => SqliteDatabase;

interface Client {
  user: { create(args: { data: { email: string } }): Promise<unknown>; count(): Promise<number> };
  $transaction<T>(work: (tx: Client) => Promise<T>, options?: { timeout?: number }): Promise<T>;
}

const OPTIONS: KustoDbOptions = { profile: 'traditional', checkIntervalMs: 0, maxRetries: 0, cooldownMs: 50 };
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

let project: string;
let dbDir: string;
const managers: KustoDb[] = [];

function manager(url: string, options: KustoDbOptions = {}): KustoDb {
  const m = createKustoDb({ cwd: project, env: { RDS_LOCAL_URL: url }, ...OPTIONS, ...options });
  managers.push(m);
  return m;
}

async function freshFile(name: string): Promise<string> {
  const file = path.join(dbDir, 'data', name);
  await fs.mkdir(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.exec('CREATE TABLE "User" (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL UNIQUE, name TEXT)');
  db.close();
  return file;
}

beforeAll(async () => {
  project = await fixtureProject({ local: schemaFor('sqlite', USER_MODELS) });
  dbDir = path.join(project, 'src', 'app', 'db', 'local');
}, 60_000);

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.disconnectAll()));
});

afterAll(async () => {
  await fs.rm(path.join(dbDir, 'data'), { recursive: true, force: true });
});

describe('where the file is', () => {
  test('a relative file: URL is resolved from the database folder, not the working directory', async () => {
    await freshFile('relative.db');
    const client = (await manager('file:./data/relative.db').getClient('local')) as unknown as Client;
    await client.user.create({ data: { email: 'a@example.com' } });
    const direct = new Database(path.join(dbDir, 'data', 'relative.db'), { readonly: true });
    expect(direct.prepare('SELECT count(*) AS n FROM "User"').get()).toEqual({ n: 1 });
    direct.close();
  });

  test('a missing folder is one clear error naming the database, the folder, the variable and the fix', async () => {
    const error = await manager('file:./nowhere/dev.db').getClient('local').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseFileError);
    const folder = path.join(dbDir, 'nowhere');
    expect(error).toMatchObject({
      code: 'DATABASE_FILE_UNAVAILABLE',
      database: 'local',
      urlSource: 'RDS_LOCAL_URL',
      message:
        `The SQLite file of database "local" (${path.join(folder, 'dev.db')}, from RDS_LOCAL_URL) cannot be used: its folder ${folder} does not exist. ` +
        `To fix it, create it (mkdir -p ${folder}), or point RDS_LOCAL_URL at a file in an existing folder.`,
    });
    // Nothing was created on the way.
    expect(existsSync(folder)).toBe(false);
  });

  test('a missing file is DATABASE_FILE_UNAVAILABLE naming the fix, and the runtime creates no file', async () => {
    await fs.mkdir(path.join(dbDir, 'data'), { recursive: true });
    const file = path.join(dbDir, 'data', 'never-created.db');
    const error = await manager('file:./data/never-created.db').getClient('local').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseFileError);
    expect(error).toMatchObject({
      code: 'DATABASE_FILE_UNAVAILABLE',
      message:
        `The SQLite file of database "local" (${file}, from RDS_LOCAL_URL) cannot be used: the file does not exist (the app never creates a database file). ` +
        'To fix it, create it and its tables with `kusto-db migrate -t deploy -d local`, restore it, or point RDS_LOCAL_URL at the right file.',
    });
    expect(existsSync(file)).toBe(false);
  });

  test('a file deleted while the app runs: the next check says DATABASE_FILE_UNAVAILABLE, nothing is recreated; the file restored, it works again', async () => {
    const file = await freshFile('deleted.db');
    const m = manager('file:./data/deleted.db');
    const client = (await m.getClient('local')) as unknown as Client;
    await client.user.create({ data: { email: 'before@example.com' } });
    const saved = await fs.readFile(file);

    await fs.rm(file);
    const error = await m.getClient('local').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseFileError);
    expect(error).toMatchObject({ code: 'DATABASE_FILE_UNAVAILABLE', message: expect.stringContaining('the file does not exist') });
    expect(m.statusOf('local').state).toBe('broken');
    expect(existsSync(file)).toBe(false);

    // Restored (as a backup or \`migrate -t deploy\` would): a new file at the same path, opened anew.
    await fs.writeFile(file, saved);
    const restored = (await m.getClient('local')) as unknown as Client;
    expect(await restored.user.count()).toBe(1);
  });

  test('a folder where the file should be is named as such', async () => {
    await fs.mkdir(path.join(dbDir, 'data', 'a-folder.db'), { recursive: true });
    await expect(manager('file:./data/a-folder.db').getClient('local')).rejects.toThrow(/the path is a folder, not a file/);
  });

  (isRoot ? test.skip : test)(`a file this process may not write is named as such${isRoot ? ' (skipped: root may write any file)' : ''}`, async () => {
    const file = await freshFile('read-only.db');
    await fs.chmod(file, 0o444);
    await expect(manager('file:./data/read-only.db').getClient('local')).rejects.toThrow(/the file is not writable by this process/);
  });
});

describe('the health check reads the database', () => {
  test('a file that is not a SQLite database fails the check as a connection failure', async () => {
    await fs.mkdir(path.join(dbDir, 'data'), { recursive: true });
    await fs.writeFile(path.join(dbDir, 'data', 'garbage.db'), 'this is not a database, just text long enough to be read as a header'.repeat(20));
    const m = manager('file:./data/garbage.db');
    const errors: ErrorEvent[] = [];
    m.on('error', (event) => errors.push(event));
    const error = await m.getClient('local').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(errors.map((event) => event.kind)).toEqual(['connection']);
    expect(String((error as Error).message)).toMatch(/not a database/);
  });
});

describe('a database locked by another connection', () => {
  test('SQLITE_BUSY after the busy timeout is a timeout (503 material), the check fails while locked and passes once released', async () => {
    const file = await freshFile('locked.db');
    const m = manager('file:./data/locked.db', { pool: { connectionTimeoutMillis: 200 } });
    const client = (await m.getClient('local')) as unknown as Client;
    expect(await client.user.count()).toBe(0);

    const holder = new Database(file);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const busy = await client.user.create({ data: { email: 'blocked@example.com' } }).catch((e: unknown) => e);
      expect(busy).toBeInstanceOf(Error);
      expect(classifyError(busy)).toBe('timeout');
      expect(isConnectionFailure(busy)).toBe(true);
      // The health check reads the schema page, which an exclusive lock forbids (a bare SELECT 1
      // touches no page and would pass on a database nobody can use).
      await expect(m.getClient('local')).rejects.toBeInstanceOf(DatabaseUnavailableError);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    await new Promise((resolve) => setTimeout(resolve, m.statusOf('local').retryAfterMs + 10));
    const recovered = (await m.getClient('local')) as unknown as Client;
    await recovered.user.create({ data: { email: 'after@example.com' } });
    expect(await recovered.user.count()).toBe(1);
  });
});

describe('a database locked by another process (BEGIN EXCLUSIVE)', () => {
  // Long enough for a statement started now to meet the lock at least once before it is released.
  const meetTheLock = () => new Promise((resolve) => setTimeout(resolve, 200));

  test('a write waits without blocking the event loop (timers fire meanwhile) and succeeds once the lock is released', async () => {
    const file = await freshFile('held-by-process.db');
    const m = manager('file:./data/held-by-process.db', { pool: { connectionTimeoutMillis: 15_000 } });
    const client = (await m.getClient('local')) as unknown as Client;
    const holder = await holdSqliteLock(file, betterSqlite3);
    try {
      let settled = false;
      const write = client.user.create({ data: { email: 'waited@example.com' } }).finally(() => (settled = true));
      // better-sqlite3's own busy wait would hold the event loop until the bound: this timer would
      // fire only after the write had failed.
      await meetTheLock();
      expect(settled).toBe(false);
      await holder.release();
      await write;
      expect(await client.user.count()).toBe(1);
    } finally {
      await holder.stop();
    }
  });

  test('inside an interactive transaction: the blocked write waits, then the transaction commits', async () => {
    const file = await freshFile('held-in-transaction.db');
    const m = manager('file:./data/held-in-transaction.db', { pool: { connectionTimeoutMillis: 15_000 } });
    const client = (await m.getClient('local')) as unknown as Client;
    const holder = await holdSqliteLock(file, betterSqlite3);
    try {
      let settled = false;
      const transaction = client
        .$transaction(
          async (tx) => {
            await tx.user.create({ data: { email: 'in-tx-1@example.com' } });
            await tx.user.create({ data: { email: 'in-tx-2@example.com' } });
            return tx.user.count();
          },
          { timeout: 20_000 },
        )
        .finally(() => (settled = true));
      await meetTheLock();
      expect(settled).toBe(false);
      await holder.release();
      expect(await transaction).toBe(2);
      const direct = new Database(file, { readonly: true });
      expect(direct.prepare('SELECT count(*) AS n FROM "User"').get()).toEqual({ n: 2 });
      direct.close();
    } finally {
      await holder.stop();
    }
  });

  test('held past the bound: the write fails as a timeout, and the database works once the holder is gone', async () => {
    const file = await freshFile('held-past-bound.db');
    const m = manager('file:./data/held-past-bound.db', { pool: { connectionTimeoutMillis: 300 } });
    const client = (await m.getClient('local')) as unknown as Client;
    const holder = await holdSqliteLock(file, betterSqlite3);
    try {
      const busy = await client.user.create({ data: { email: 'too-late@example.com' } }).catch((e: unknown) => e);
      expect(classifyError(busy)).toBe('timeout');
    } finally {
      await holder.stop();
    }
    await client.user.create({ data: { email: 'after@example.com' } });
    expect(await client.user.count()).toBe(1);
  });
});
