import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import type { Request } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKustoDb, DatabaseUnavailableError, type KustoDb, type KustoDbOptions } from '@kusto/db';
import { startPostgres, type PostgresServer } from '@kusto/test-servers';
import { createDbErrorHandler } from '../errors/db-error-handler.js';
import {
  countSelectOne,
  EXPRESS_VERSIONS,
  finalErrorHandler,
  serve,
  sql,
  twoDatabaseProject,
  type ExpressFactory,
  type RunningApp,
} from '../test-support/harness.js';
import { createDbConnectionMiddleware, type DbConnectionMiddlewareOptions } from './db-connection-middleware.js';

// A server of this file's own: tests stop and start it.
let server: PostgresServer;
let project: string;
const urls: Record<string, string> = {};

beforeAll(async () => {
  [server, project] = await Promise.all([
    startPostgres({ backend: 'embedded', settings: { shared_preload_libraries: 'pg_stat_statements' } }),
    twoDatabaseProject(),
  ]);
  urls.user = await server.createDatabase('mw_user');
  urls.temporary = await server.createDatabase('mw_temporary');
  await sql(server.url(), 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
}, 60_000);

afterAll(async () => {
  await server?.close();
});

const FAST: KustoDbOptions = {
  profile: 'traditional',
  checkIntervalMs: 60_000,
  checkTimeoutMs: 3_000, // generous: the first check of a new client also loads Prisma's query compiler, slow on a loaded CI machine
  maxRetries: 1,
  retryDelayMs: 10,
  cooldownMs: 300,
};

describe.each(EXPRESS_VERSIONS)('createDbConnectionMiddleware on %s', (_label, express: ExpressFactory) => {
  let manager: KustoDb;
  let app: RunningApp | undefined;
  let handled: Request[];

  function managerWith(options: KustoDbOptions = {}) {
    manager = createKustoDb({
      cwd: project,
      env: { RDS_USER_URL: urls.user, RDS_TEMPORARY_URL: urls.temporary },
      ...FAST,
      ...options,
    });
    return manager;
  }

  async function startApp(options: DbConnectionMiddlewareOptions, route?: (req: Request) => Promise<unknown>) {
    handled = [];
    const instance = express();
    instance.use(createDbConnectionMiddleware({ manager, ...options }));
    instance.get('/thing', (req, res, next) => {
      handled.push(req);
      Promise.resolve(route?.(req))
        .then((body) => res.json({ ok: true, failures: req.kusto?.failures.map((f) => f.database) ?? [], body }))
        .catch(next);
    });
    instance.use(createDbErrorHandler({ manager }));
    instance.use(finalErrorHandler);
    app = await serve(instance);
    return app;
  }

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await manager?.disconnectAll();
    if (!server.running) await server.start();
  });

  test('healthy: 1 000 requests inside the interval cost one SELECT 1 per database, counted on the server', async () => {
    managerWith();
    const { url } = await startApp({});
    await sql(server.url(), 'SELECT pg_stat_statements_reset()');
    for (let batch = 0; batch < 20; batch++) {
      const responses = await Promise.all(Array.from({ length: 50 }, () => fetch(`${url}/thing`)));
      expect(responses.every((r) => r.status === 200)).toBe(true);
    }
    expect(handled).toHaveLength(1_000);
    expect(await countSelectOne(server.url(), 'mw_user')).toBe(1);
    expect(await countSelectOne(server.url(), 'mw_temporary')).toBe(1);
  });

  test('the request gets typed access to the clients', async () => {
    managerWith();
    const { url } = await startApp({ databases: ['user'] }, async (req) => {
      const client = await req.kusto!.db.getClient('user');
      return client.$queryRawUnsafe<{ db: string }[]>('SELECT current_database() AS db');
    });
    const body = (await (await fetch(`${url}/thing`)).json()) as { body: { db: string }[] };
    expect(body.body).toEqual([{ db: 'mw_user' }]);
  });

  test('server stopped: 503 with Retry-After and no hang; after a start the next request succeeds and onReconnect fires once', async () => {
    managerWith({ checkIntervalMs: 50 });
    const reconnects: string[] = [];
    const { url } = await startApp({ continueOnFailure: false, onReconnect: (database) => void reconnects.push(database) });
    expect((await fetch(`${url}/thing`)).status).toBe(200);

    await server.stop();
    await sleep(60);
    const responses = await Promise.all(Array.from({ length: 10 }, () => fetch(`${url}/thing`)));
    for (const response of responses) {
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await response.json()).toMatchObject({ error: 'Database temporarily unavailable', retryAfter: expect.any(Number) });
    }
    expect(handled).toHaveLength(1);

    await server.start();
    await sleep(Math.max(manager.statusOf('user').retryAfterMs, manager.statusOf('temporary').retryAfterMs) + 20);
    expect((await fetch(`${url}/thing`)).status).toBe(200);
    expect((await fetch(`${url}/thing`)).status).toBe(200);
    expect(reconnects.sort()).toEqual(['temporary', 'user']);
  });

  test('continueOnFailure: the request reaches the handler with the failures recorded', async () => {
    managerWith({ checkIntervalMs: 50 });
    const { url } = await startApp({ continueOnFailure: true });
    await server.stop();
    await sleep(60);
    const response = await fetch(`${url}/thing`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ failures: ['temporary', 'user'] });
    expect(handled[0]!.kusto!.failures[0]!.error).toBeInstanceOf(DatabaseUnavailableError);
  });

  test('server stopped while the cache says healthy: the route error becomes 503 and the next request re-checks at once', async () => {
    // No idle connection survives a request, so the pool sees nothing when the server goes away:
    // only the route's failing query tells the toolkit.
    managerWith({ checkIntervalMs: 60_000, pool: { idleTimeoutMillis: 1 } });
    const poolErrors: string[] = [];
    manager.on('error', ({ during }) => during === 'pool' && poolErrors.push(during));
    const { url } = await startApp({ databases: ['user'], continueOnFailure: false }, async (req) => {
      const client = await req.kusto!.db.getClient('user');
      return client.$queryRawUnsafe('SELECT 1');
    });
    expect((await fetch(`${url}/thing`)).status).toBe(200);
    await sleep(50);
    expect(manager.statusOf('user').pool?.total).toBe(0);

    await server.stop();
    const fromRoute = await fetch(`${url}/thing`);
    expect(fromRoute.status).toBe(503);
    expect(fromRoute.headers.get('retry-after')).toBe('1');
    // The query's error names no database: the one this route's middleware ensured is blamed, not every one.
    expect(await fromRoute.json()).toMatchObject({ database: 'user' });
    expect(handled).toHaveLength(2);

    // Not waiting out the 60 s interval: the middleware checks, fails, and answers without the route.
    const next = await fetch(`${url}/thing`);
    expect(next.status).toBe(503);
    expect(handled).toHaveLength(2);
    expect(manager.statusOf('user').state).toBe('down');
    expect(poolErrors).toEqual([]);
  });

  test('onError replaces the response', async () => {
    managerWith({ checkIntervalMs: 50 });
    const { url } = await startApp({
      onError: (error, _req, res) => void res.status(418).json({ custom: error.database }),
    });
    await server.stop();
    await sleep(60);
    const response = await fetch(`${url}/thing`);
    expect(response.status).toBe(418);
    expect(await response.json()).toEqual({ custom: 'temporary' });
  });

  test('a throwing onError or onReconnect reaches Express error handling instead of crashing or hanging', async () => {
    managerWith({ checkIntervalMs: 50 });
    const { url } = await startApp({
      onError: () => {
        throw new Error('onError exploded');
      },
      onReconnect: () => Promise.reject(new Error('onReconnect exploded')),
    });
    expect((await fetch(`${url}/thing`)).status).toBe(200);
    await server.stop();
    await sleep(60);
    const failing = await fetch(`${url}/thing`);
    expect(failing.status).toBe(500);
    expect(await failing.json()).toEqual({ unhandled: 'onError exploded' });

    await server.start();
    await sleep(Math.max(manager.statusOf('user').retryAfterMs, manager.statusOf('temporary').retryAfterMs) + 20);
    const reconnecting = await fetch(`${url}/thing`);
    expect(reconnecting.status).toBe(500);
    expect(await reconnecting.json()).toEqual({ unhandled: 'onReconnect exploded' });
  });

  test('an unknown database name fails once, when the middleware is created, listing the known names', () => {
    managerWith();
    expect(() => createDbConnectionMiddleware({ manager, databases: ['nope'] })).toThrow(/Unknown database "nope". Known databases: temporary, user/);
  });
});
