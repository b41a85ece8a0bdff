import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startServer, traceAlone, type RunningFunction } from './test-support/deploy.js';
import { kitsByDatabase, SERVER_DATABASES, startFunctionDatabases, type FunctionDatabases, type ServerDatabase } from './test-support/databases.js';

// The compiled app traced with @vercel/nft, as Vercel builds a function: only the traced files
// (pnpm's symlinks included) copied into an empty folder, then run there on every provider.

const kits = await kitsByDatabase();
let databases: FunctionDatabases;
let app: RunningFunction;
let traced: { file: string; files: number };

beforeAll(async () => {
  databases = await startFunctionDatabases('traced');
  traced = await traceAlone('server');
  app = await startServer(traced.file, databases.env);
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await databases?.close();
});

describe('the app traced by @vercel/nft, only its traced files in an empty folder', () => {
  test('serves SQLite', async () => {
    const created = await fetch(`${app.base}/cache/items`, { method: 'POST' });
    expect({ status: created.status, body: created.status === 201 ? '' : await created.text() }).toEqual({ status: 201, body: '' });
    expect((await fetch(`${app.base}/cache/items`)).status).toBe(200);
  });

  for (const name of Object.keys(SERVER_DATABASES) as ServerDatabase[]) {
    const kit = kits[name];
    const testOn = kit?.available ? test : test.skip;
    testOn(`serves ${name} (${SERVER_DATABASES[name]})${kit?.available ? '' : ` (skipped: ${kit?.reason ?? 'no server kit'})`}`, async () => {
      expect((await fetch(`${app.base}/${name}/items`, { method: 'POST' })).status).toBe(201);
      const response = await fetch(`${app.base}/${name}/items`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ database: name, count: 1 });
    });
  }

  test('shuts down by itself on SIGTERM', async () => {
    expect(await app.stop()).toBe(0);
  }, 30_000);
});
