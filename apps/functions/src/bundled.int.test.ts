import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundleAlone, startServer, type BundleFormat, type RunningFunction } from './test-support/deploy.js';
import { kitsByDatabase, SERVER_DATABASES, startFunctionDatabases, type FunctionDatabases, type ServerDatabase } from './test-support/databases.js';

// The app bundled by esbuild into one file, copied alone into an empty folder (no node_modules, no
// src; better-sqlite3's addon beside it), run there: it serves Postgres, MySQL/MariaDB and SQLite,
// survives a server restart answering only 200 or 503, and shuts down by itself on SIGTERM. Both
// output formats: ESM, and CommonJS (AWS CDK NodejsFunction's default).

const kits = await kitsByDatabase();
let databases: FunctionDatabases;

beforeAll(async () => {
  databases = await startFunctionDatabases('bundled');
}, 120_000);

afterAll(async () => {
  await databases?.close();
});

async function status(url: string, init?: RequestInit): Promise<number> {
  return (await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) })).status;
}

/** Requests `url` every 100 ms (at most `limit` times) until `until()` resolves; returns every status seen. */
async function pollDuring(url: string, until: Promise<unknown>, limit: number): Promise<number[]> {
  const seen: number[] = [];
  let done = false;
  void until.finally(() => (done = true));
  while (!done && seen.length < limit) {
    seen.push(await status(url));
    await sleep(100);
  }
  return seen;
}

describe.each<BundleFormat>(['esm', 'cjs'])('the app bundled by esbuild (%s), alone in an empty folder', (format) => {
  let app: RunningFunction;

  beforeAll(async () => {
    app = await startServer(await bundleAlone('server', format), databases.env);
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
  });

  test('serves the SQLite database (its addon beside the bundle): writes and counts', async () => {
    expect(await status(`${app.base}/cache/items`, { method: 'POST' })).toBe(201);
    const response = await fetch(`${app.base}/cache/items`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ database: 'cache', count: expect.any(Number) });
  });

  for (const name of Object.keys(SERVER_DATABASES) as ServerDatabase[]) {
    const provider = SERVER_DATABASES[name];
    const kit = kits[name];
    const testOn = kit?.available ? test : test.skip;
    const skipped = kit?.available ? '' : ` (skipped: ${kit?.reason ?? `no ${provider} server kit`})`;
    testOn(`serves ${name} (${provider}) and survives its server's restart: only 200/503, then 200${skipped}`, async () => {
      const server = databases.servers[name]!;
      const url = `${app.base}/${name}/items`;
      expect(await status(url, { method: 'POST' })).toBe(201);
      expect(await status(url)).toBe(200);

      await server.stop();
      // While it is down every request gets an answer, and it is 503 (never a hang or a 500).
      const down: number[] = [];
      for (let i = 0; i < 5; i++) down.push(await status(url));
      expect(down).toEqual([503, 503, 503, 503, 503]);

      const restarted = server.start();
      const during = await pollDuring(url, restarted, 600);
      await restarted;
      let last = await status(url);
      for (let i = 0; i < 60 && last !== 200; i++) {
        await sleep(250);
        last = await status(url);
        during.push(last);
      }
      expect(during.filter((code) => code !== 200 && code !== 503)).toEqual([]);
      expect(last).toBe(200);
    }, 90_000);
  }

  test('/readyz is ready once every database that runs here answers', async () => {
    const response = await fetch(`${app.base}/readyz`);
    const body = (await response.json()) as { databases: Record<string, { healthy: boolean }> };
    for (const name of ['cache', ...Object.keys(databases.servers)]) expect(body.databases[name]?.healthy).toBe(true);
  });

  test('SIGTERM: the server and the pools close and the process exits 0 by itself', async () => {
    expect(await app.stop()).toBe(0);
    expect(app.output()).toMatch(/database connections closed/);
  }, 30_000);
});
