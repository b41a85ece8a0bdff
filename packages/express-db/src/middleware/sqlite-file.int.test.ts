import { afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKustoDb, type KustoDb } from '@kusto/db';
import { fixtureProject, schemaFor, USER_MODELS } from '@kusto/test-servers/prisma-fixtures';
import { createDbErrorHandler } from '../errors/db-error-handler.js';
import { createHealthRouter } from '../health/health-router.js';
import { serve, type RunningApp } from '../test-support/harness.js';
import { createDbConnectionMiddleware } from './db-connection-middleware.js';

// A SQLite file that is not there (deleted while the app runs, or before it starts) is a
// configuration problem: readiness 503 and a JSON answer naming the file, never a new empty file
// that answers every query with "table does not exist" while readiness says healthy.

interface SqliteDatabase {
  exec(sql: string): void;
  close(): void;
}
const Database = createRequire(import.meta.url)('better-sqlite3') as new (file: string) => SqliteDatabase;

interface Client {
  user: { count(): Promise<number> };
}

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let project: string;
let manager: KustoDb | undefined;
let app: RunningApp | undefined;

beforeAll(async () => {
  project = await fixtureProject({ packageDir, databases: { lite: schemaFor('sqlite', USER_MODELS) } });
}, 120_000);

afterEach(async () => {
  await app?.close();
  await manager?.disconnectAll();
  app = undefined;
  manager = undefined;
});

async function fileWithTable(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kusto-lite-'));
  const file = path.join(dir, 'lite.db');
  const db = new Database(file);
  db.exec('CREATE TABLE "User" (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL UNIQUE, name TEXT)');
  db.close();
  return file;
}

async function startApp(file: string): Promise<string> {
  // checkIntervalMs 0: every request checks, so the test needs no clock.
  manager = createKustoDb({ cwd: project, profile: 'traditional', env: { RDS_LITE_URL: `file:${file}` }, checkIntervalMs: 0 });
  const { default: express } = await import('express');
  const instance = express();
  instance.use(createHealthRouter({ manager }));
  instance.use(createDbConnectionMiddleware({ manager, databases: ['lite'] }));
  instance.get('/users', (req, res, next) => {
    req
      .kusto!.db.getClient('lite')
      .then((client) => (client as unknown as Client).user.count())
      .then((count) => res.json({ count }))
      .catch(next);
  });
  instance.use(createDbErrorHandler({ manager }));
  app = await serve(instance);
  return app.url;
}

async function expectFileUnavailable(url: string, file: string): Promise<void> {
  const ready = await fetch(`${url}/readyz`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toMatchObject({
    status: 'unavailable',
    databases: { lite: { healthy: false, configurationError: 'DATABASE_FILE_UNAVAILABLE' } },
  });
  const route = await fetch(`${url}/users`);
  expect(route.status).toBe(500);
  const body = (await route.json()) as Record<string, string>;
  expect(body).toMatchObject({ database: 'lite', code: 'DATABASE_FILE_UNAVAILABLE' });
  expect(body.detail).toContain('the file does not exist');
  expect(existsSync(file)).toBe(false);
}

describe('a missing SQLite file', () => {
  test('deleted while the app runs: readiness 503 and the route says which file, nothing recreated; restored, 200 again', async () => {
    const file = await fileWithTable();
    const url = await startApp(file);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${url}/users`)).json()).toEqual({ count: 0 });
    const saved = await fs.readFile(file);

    await fs.rm(file);
    await expectFileUnavailable(url, file);

    await fs.writeFile(file, saved);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${url}/users`)).json()).toEqual({ count: 0 });
  });

  test('missing when the app starts: readiness 503 and the route says which file, and the app creates none', async () => {
    const file = await fileWithTable();
    await fs.rm(file);
    const url = await startApp(file);
    await expectFileUnavailable(url, file);
  });
});
