import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
import {
  AdapterNotInstalledError,
  ClientNotGeneratedError,
  DatabaseUnavailableError,
  InvalidDatabaseNameError,
  InvalidUrlError,
  MissingUrlError,
  UnknownDatabaseError,
} from './errors.js';
import type { ConnectEvent } from './events.js';
import { createKustoDb, type KustoDb } from './manager.js';
import { EVENT_MODELS, fixtureProject, NOTE_MODELS, schemaFor, USER_MODELS } from './test-support/fixture-project.js';

interface UserClient {
  user: {
    create(args: { data: { email: string; name?: string } }): Promise<{ id: number; email: string }>;
    findUnique(args: { where: { email: string } }): Promise<{ id: number; email: string; name: string | null } | null>;
  };
  $executeRawUnsafe(sql: string): Promise<number>;
}
interface EventClient {
  event: { create(args: { data: { kind: string } }): Promise<{ id: number }>; count(): Promise<number> };
  $executeRawUnsafe(sql: string): Promise<number>;
}
interface NoteClient {
  note: { create(args: { data: { body: string } }): Promise<{ id: number }>; findMany(): Promise<{ body: string }[]> };
  $executeRawUnsafe(sql: string): Promise<number>;
}

let project: string;
let userDb: TestDatabase;
let analyticsDb: TestDatabase;
let sqliteDir: string;
let db: KustoDb;
const connects: ConnectEvent[] = [];

beforeAll(async () => {
  [project, userDb, analyticsDb] = await Promise.all([
    fixtureProject({
      user: schemaFor('postgresql', USER_MODELS),
      analyticsEvents: schemaFor('postgresql', EVENT_MODELS),
      local: schemaFor('sqlite', NOTE_MODELS),
    }),
    createTestDatabase('manager_user'),
    createTestDatabase('manager_analytics'),
  ]);
  sqliteDir = mkdtempSync(path.join(os.tmpdir(), 'kusto-sqlite-'));
  // An empty file is an empty SQLite database; the runtime never creates one (migrate deploy does).
  writeFileSync(path.join(sqliteDir, 'local.db'), '');
  db = createKustoDb({
    cwd: project,
    profile: 'traditional',
    env: {
      RDS_USER_URL: userDb.url,
      RDS_ANALYTICS_EVENTS_URL: analyticsDb.url,
      RDS_LOCAL_URL: `file:${path.join(sqliteDir, 'local.db')}`,
    },
  });
  db.on('connect', (event) => connects.push(event));
});

afterAll(async () => {
  await db?.disconnectAll();
  await Promise.all([userDb?.drop(), analyticsDb?.drop()]);
  rmSync(sqliteDir, { recursive: true, force: true });
});

describe('two Postgres databases and a SQLite one from three folders', () => {
  test('each folder is its own database with its own client', async () => {
    expect(db.names()).toEqual(['analyticsEvents', 'local', 'user']);

    const users = (await db.getClient('user')) as unknown as UserClient;
    await users.$executeRawUnsafe('CREATE TABLE "User" (id serial PRIMARY KEY, email text UNIQUE NOT NULL, name text)');
    await users.user.create({ data: { email: 'ada@example.com', name: 'Ada' } });
    expect(await users.user.findUnique({ where: { email: 'ada@example.com' } })).toMatchObject({ name: 'Ada' });

    const events = (await db.getClient('analyticsEvents')) as unknown as EventClient;
    await events.$executeRawUnsafe('CREATE TABLE "Event" (id serial PRIMARY KEY, kind text NOT NULL)');
    await events.event.create({ data: { kind: 'signup' } });
    expect(await events.event.count()).toBe(1);

    const notes = (await db.getClient('local')) as unknown as NoteClient;
    await notes.$executeRawUnsafe('CREATE TABLE "Note" (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)');
    await notes.note.create({ data: { body: 'hello from sqlite' } });
    expect(await notes.note.findMany()).toEqual([expect.objectContaining({ body: 'hello from sqlite' })]);

    expect(connects.map((event) => event.database).sort()).toEqual(['analyticsEvents', 'local', 'user']);
  });

  test('a cached getClient returns the same client as getClientSync without another check', async () => {
    const first = await db.getClient('user');
    const checkedAt = db.statusOf('user').lastCheckAt;
    const again = await db.getClient('user');
    expect(again).toBe(first);
    expect(db.getClientSync('user')).toBe(first);
    expect(db.statusOf('user').lastCheckAt).toBe(checkedAt);
  });

  test('a unique violation from a query is not a connection problem', async () => {
    const users = (await db.getClient('user')) as unknown as UserClient;
    const failure = await users.user.create({ data: { email: 'ada@example.com' } }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'P2002' });
    expect(db.reportError('user', failure)).toBe(false);
    expect(db.statusOf('user').state).toBe('ready');
  });

  test('status() reports every database with a redacted target and pool counters', () => {
    const status = db.status();
    const user = status.find((s) => s.name === 'user')!;
    expect(user).toMatchObject({ provider: 'postgresql', state: 'ready', envVar: 'RDS_USER_URL', urlSet: true, consecutiveFailures: 0 });
    expect(user.target).toMatch(/^postgresql:\/\/127\.0\.0\.1:\d+\/\w+$/);
    expect(user.pool).toEqual({ total: expect.any(Number), idle: expect.any(Number), waiting: 0 });
    expect(user.lastLatencyMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(status)).not.toContain(new URL(userDb.url).password);
    expect(status.find((s) => s.name === 'analyticsEvents')?.envVar).toBe('RDS_ANALYTICS_EVENTS_URL');
  });

  test('healthCheck checks the databases in use, in parallel', async () => {
    const report = await db.healthCheck();
    expect(report.healthy).toBe(true);
    expect(Object.keys(report.databases).sort()).toEqual(['analyticsEvents', 'local', 'user']);
    expect(report.databases.user).toMatchObject({ healthy: true, state: 'ready' });
  });
});

describe('a custom adapter factory', () => {
  test('is used instead of the built-in one, and a failed initialisation is retried on the same client', async () => {
    let connects = 0;
    const custom = createKustoDb({
      cwd: project,
      profile: 'traditional',
      retryDelayMs: 1,
      env: { RDS_USER_URL: userDb.url },
      databases: {
        user: {
          adapter: ({ url, provider }) => {
            const real = new PrismaPg({ connectionString: url });
            return {
              provider: 'postgres',
              adapterName: `flaky-${provider}`,
              connect: () => {
                connects += 1;
                if (connects === 1) return Promise.reject(Object.assign(new Error('first connect refused'), { code: 'ECONNREFUSED' }));
                return real.connect();
              },
            };
          },
        },
      },
    });
    try {
      const client = await custom.getClient('user');
      expect(await client.$queryRawUnsafe('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      expect(connects).toBe(2);
      expect(custom.statusOf('user')).toMatchObject({ state: 'ready', pool: undefined });
    } finally {
      await custom.disconnectAll();
    }
  });
});

describe('bad input gets a clear error that says what to do', () => {
  let project2: string;

  beforeAll(async () => {
    project2 = await fixtureProject(
      {
        main: schemaFor('postgresql', USER_MODELS),
        nogen: schemaFor('postgresql', USER_MODELS),
        legacy: schemaFor('sqlserver', USER_MODELS),
      },
      ['nogen'],
    );
  });

  const manager = (env: NodeJS.ProcessEnv) => createKustoDb({ cwd: project2, env, profile: 'traditional', maxRetries: 0 });

  test('an unknown name lists the known databases', async () => {
    const m = manager({});
    await expect(m.getClient('users')).rejects.toThrow(UnknownDatabaseError);
    await expect(m.getClient('users')).rejects.toThrow(/Unknown database "users". Known databases: legacy, main, nogen/);
    expect(() => m.getClientSync('users')).toThrow(UnknownDatabaseError);
  });

  test('an invalid name is rejected before touching the disk', async () => {
    await expect(manager({}).getClient('../etc')).rejects.toThrow(InvalidDatabaseNameError);
  });

  test('a missing variable is named', async () => {
    await expect(manager({}).getClient('main')).rejects.toThrow(MissingUrlError);
    await expect(manager({}).getClient('main')).rejects.toThrow(/set the environment variable RDS_MAIN_URL/);
  });

  test('an invalid URL says which variable and why, without echoing it', async () => {
    const error = (await manager({ RDS_MAIN_URL: 'postgresql//secretpass@nowhere' })
      .getClient('main')
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(InvalidUrlError);
    expect(error.message).toMatch(/RDS_MAIN_URL/);
    expect(error.message).not.toContain('secretpass');
  });

  test('a wrong password fails fast with the password redacted everywhere', async () => {
    const wrong = new URL(userDb.url);
    wrong.password = 'not-the-password-42';
    const m = manager({ RDS_MAIN_URL: wrong.toString() });
    const errors: string[] = [];
    m.on('error', ({ error, kind }) => errors.push(`${kind}: ${error.message}`));
    const error = (await m.getClient('main').catch((e: unknown) => e)) as DatabaseUnavailableError;
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(errors[0]).toMatch(/^auth: /);
    const everything = JSON.stringify([error.message, String(error.cause), errors, m.status()]);
    expect(everything).not.toContain('not-the-password-42');
    await m.disconnectAll();
  });

  test("a server that refuses connections: the error's message is one line with the cause", async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const closed = new URL(userDb.url);
    closed.port = String(port);
    const m = manager({ RDS_MAIN_URL: closed.toString() });
    const error = (await m.getClient('main').catch((e: unknown) => e)) as DatabaseUnavailableError;
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error.message).toBe(`Database "main" is unavailable: Can't reach database server at 127.0.0.1:${port}`);
    expect(String((error.cause as Error).message)).toContain('Invalid `prisma.$queryRawUnsafe()` invocation');
    await m.disconnectAll();
  });

  test('a missing generated client says to run kusto-db generate', async () => {
    await expect(manager({ RDS_NOGEN_URL: userDb.url }).getClient('nogen')).rejects.toThrow(ClientNotGeneratedError);
    await expect(manager({ RDS_NOGEN_URL: userDb.url }).getClient('nogen')).rejects.toThrow(
      /Run `kusto-db generate -d nogen`/,
    );
  });

  test('a missing adapter package is named with the install command', async () => {
    // @prisma/adapter-mssql is the one adapter this workspace does not install.
    const m = manager({ RDS_LEGACY_URL: 'sqlserver://127.0.0.1:1433;database=legacy;user=app;password=pw' });
    await expect(m.getClient('legacy')).rejects.toThrow(AdapterNotInstalledError);
    await expect(m.getClient('legacy')).rejects.toThrow(/needs the driver adapter package @prisma\/adapter-mssql/);
  });
});
