import { afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createKustoDb, type KustoDb } from '@kusto/db';
import { holdSqliteLock, type SqliteLockHolder } from '@kusto/test-servers';
import { fixtureProject, schemaFor, USER_MODELS } from '@kusto/test-servers/prisma-fixtures';
import { createDbErrorHandler } from '../errors/db-error-handler.js';
import { createHealthRouter } from '../health/health-router.js';
import { serve, type RunningApp } from '../test-support/harness.js';
import { createDbConnectionMiddleware } from './db-connection-middleware.js';

// Another process holds the SQLite file locked (BEGIN EXCLUSIVE). Requests that need it wait for
// the lock without freezing the process: liveness answers meanwhile, and a write held past the
// bound is a 503 with Retry-After.

const require = createRequire(import.meta.url);
const betterSqlite3 = require.resolve('better-sqlite3');
interface SqliteDatabase {
  exec(sql: string): void;
  close(): void;
}
const Database = require('better-sqlite3') as new (file: string) => SqliteDatabase;

interface Client {
  user: { create(args: { data: { email: string } }): Promise<unknown>; count(): Promise<number> };
}

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let project: string;
let manager: KustoDb | undefined;
let app: RunningApp | undefined;
let holder: SqliteLockHolder | undefined;

beforeAll(async () => {
  project = await fixtureProject({ packageDir, databases: { lite: schemaFor('sqlite', USER_MODELS) } });
}, 120_000);

afterEach(async () => {
  await holder?.stop();
  await app?.close();
  await manager?.disconnectAll();
  holder = undefined;
  app = undefined;
  manager = undefined;
});

async function fileWithTable(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kusto-lite-locked-'));
  const file = path.join(dir, 'lite.db');
  const db = new Database(file);
  db.exec('CREATE TABLE "User" (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL UNIQUE, name TEXT)');
  db.close();
  return file;
}

async function startApp(file: string, busyBoundMs: number): Promise<string> {
  // A warm app: the check interval is long, so requests go straight to their queries.
  manager = createKustoDb({
    cwd: project,
    profile: 'traditional',
    env: { RDS_LITE_URL: `file:${file}` },
    checkIntervalMs: 600_000,
    pool: { connectionTimeoutMillis: busyBoundMs },
  });
  const { default: express } = await import('express');
  const instance = express();
  instance.use(createHealthRouter({ manager }));
  instance.use(createDbConnectionMiddleware({ manager, databases: ['lite'] }));
  instance.post('/users/:email', (req, res, next) => {
    const client = req.kusto!.db.getClientSync('lite') as unknown as Client;
    client.user
      .create({ data: { email: req.params.email } })
      .then(() => client.user.count())
      .then((count) => res.json({ count }))
      .catch(next);
  });
  instance.use(createDbErrorHandler({ manager }));
  app = await serve(instance);
  expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
  return app.url;
}

describe('a SQLite file locked by another process', () => {
  test('liveness answers while a write waits for the lock, before it is released; the write then succeeds', async () => {
    const file = await fileWithTable();
    const url = await startApp(file, 15_000);
    holder = await holdSqliteLock(file, betterSqlite3);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();

    const order: string[] = [];
    const write = fetch(`${url}/users/held@example.com`, { method: 'POST' }).then(async (response) => {
      order.push('write answered');
      return { status: response.status, body: await response.json() };
    });
    // Several liveness requests while the write waits: each must answer while the lock is held.
    for (let i = 0; i < 5; i++) {
      const live = await fetch(`${url}/healthz`);
      expect(live.status).toBe(200);
      order.push('healthz answered');
    }
    order.push('lock released');
    await holder.release();
    expect(await write).toEqual({ status: 200, body: { count: 1 } });
    delay.disable();
    expect(order).toEqual(['healthz answered', 'healthz answered', 'healthz answered', 'healthz answered', 'healthz answered', 'lock released', 'write answered']);
    // For the log only (no timing assertion): how long the event loop was held at worst.
    console.info(`event-loop delay while the lock was held: max ${(delay.max / 1e6).toFixed(1)} ms`);
  });

  test('held past the bound: the write is a 503 with Retry-After, and liveness answered meanwhile', async () => {
    const file = await fileWithTable();
    const url = await startApp(file, 1_500);
    holder = await holdSqliteLock(file, betterSqlite3);
    const order: string[] = [];
    const write = fetch(`${url}/users/late@example.com`, { method: 'POST' }).then((response) => {
      order.push('write answered');
      return response;
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    order.push('healthz answered');
    const response = await write;
    expect(order).toEqual(['healthz answered', 'write answered']);
    expect(response.status).toBe(503);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await response.json()).toMatchObject({ database: 'lite' });
  });
});
