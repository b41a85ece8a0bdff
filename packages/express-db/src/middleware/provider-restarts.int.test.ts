import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createKustoDb, type KustoDb } from '@kusto/db';
import { fixtureProject, schemaFor, USER_MODELS } from '@kusto/test-servers/prisma-fixtures';
import { providerServers, type ProviderServer } from '@kusto/test-servers/testing';
import { createDbErrorHandler } from '../errors/db-error-handler.js';
import { EXPRESS_VERSIONS, finalErrorHandler, serve, type RunningApp } from '../test-support/harness.js';
import { createDbConnectionMiddleware } from './db-connection-middleware.js';

// The database server itself restarted while 200 HTTP clients keep asking, on every provider with
// a real server here (MariaDB skipped, with the reason, where it cannot run): every answer must be
// 200 or 503, none may hang, and a transaction cut by a restart answers 503 with nothing committed.

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const [, express] = EXPRESS_VERSIONS[0];
const CLIENTS = 200;
const RESTARTS = 3;
/** A request taking longer than this counts as hung. */
const HUNG_MS = 10_000;

interface UserClient {
  user: { count(): Promise<number>; create(args: { data: { email: string } }): Promise<unknown> };
  $queryRawUnsafe(sql: string): Promise<unknown>;
  $transaction<T>(work: (tx: UserClient) => Promise<T>, options?: { timeout?: number }): Promise<T>;
}

const kits = await providerServers();

for (const kit of kits) {
  const suite = kit.available ? describe : describe.skip;
  suite(`the server restarted under load through the middleware, on ${kit.name}${kit.available ? '' : ` (skipped: ${kit.reason})`}`, () => {
    let server: ProviderServer;
    let manager: KustoDb;
    let app: RunningApp;
    let url: string;
    const countUsers = kit.provider === 'mysql' ? 'SELECT COUNT(*) AS n FROM `User`' : 'SELECT COUNT(*)::int AS n FROM "User"';

    beforeAll(async () => {
      let project: string;
      [server, project] = await Promise.all([kit.start(), fixtureProject({ packageDir, databases: { user: schemaFor(kit.provider, USER_MODELS) } })]);
      url = await server.createDatabase('restarts');
      await server.exec(url, server.userTableSql);
      manager = createKustoDb({
        cwd: project,
        env: { RDS_USER_URL: url },
        profile: 'traditional',
        checkIntervalMs: 50,
        checkTimeoutMs: 3_000,
        maxRetries: 1,
        retryDelayMs: 10,
        cooldownMs: 200,
        pool: { max: 20, connectionTimeoutMillis: 2_000 },
      });
      const instance = express();
      instance.use(createDbConnectionMiddleware({ manager, databases: ['user'], continueOnFailure: false }));
      instance.get('/users', (req, res, next) => {
        req
          .kusto!.db.getClient('user')
          .then((client) => (client as unknown as UserClient).user.count())
          .then((count) => res.json({ count }))
          .catch(next);
      });
      instance.post('/slow-signup', (req, res, next) => {
        req
          .kusto!.db.getClient('user')
          .then((client) =>
            (client as unknown as UserClient).$transaction(
              async (tx) => {
                await tx.user.create({ data: { email: `slow-${Date.now()}@example.com` } });
                await tx.$queryRawUnsafe(server.sleepSql(5));
              },
              { timeout: 20_000 },
            ),
          )
          .then(() => res.json({ ok: true }))
          .catch(next);
      });
      instance.use(createDbErrorHandler({ manager }));
      instance.use(finalErrorHandler);
      app = await serve(instance);
    }, 120_000);

    afterAll(async () => {
      await app?.close();
      await manager?.disconnectAll();
      await server?.close();
    });

    test(`${RESTARTS} restarts under ${CLIENTS} clients: only 200 and 503 (with Retry-After), none hung, 200s again after each`, async () => {
      const statuses = new Map<number, number>();
      const other: string[] = [];
      let hung = 0;
      let sinceRestart: number[] = [];
      let running = true;
      const clients = Array.from({ length: CLIENTS }, async () => {
        while (running) {
          try {
            const response = await fetch(`${app.url}/users`, { signal: AbortSignal.timeout(HUNG_MS) });
            const body = await response.text();
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            sinceRestart.push(response.status);
            if (response.status === 503) expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
            else if (response.status !== 200 && other.length < 5) other.push(`${response.status} ${body.slice(0, 200)}`);
            if (response.status !== 200) await sleep(20);
          } catch (error) {
            if ((error as Error).name === 'TimeoutError') hung += 1;
            else throw error;
          }
        }
      });
      const waitFor = async (what: string, condition: () => boolean) => {
        for (const deadline = Date.now() + 60_000; !condition(); await sleep(20)) {
          if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
        }
      };
      try {
        await waitFor('answers before the first restart', () => (statuses.get(200) ?? 0) >= CLIENTS);
        for (let i = 0; i < RESTARTS; i++) {
          await server.restart();
          sinceRestart = [];
          await waitFor(`${CLIENTS} 200s in a row after restart ${i + 1}`, () => sinceRestart.length >= CLIENTS && sinceRestart.slice(-CLIENTS).every((status) => status === 200));
        }
      } finally {
        running = false;
        await Promise.all(clients);
      }
      expect(other).toEqual([]);
      expect([...statuses.keys()].filter((status) => status !== 200 && status !== 503)).toEqual([]);
      expect(hung).toBe(0);
      expect(statuses.get(200)).toBeGreaterThan(CLIENTS);
    }, 180_000);

    test('a restart in the middle of a $transaction answers 503, and nothing of it is committed', async () => {
      const before = (await server.rows<{ n: number | bigint }>(url, countUsers))[0]!.n;
      const pending = fetch(`${app.url}/slow-signup`, { method: 'POST', signal: AbortSignal.timeout(HUNG_MS * 2) });
      for (const deadline = Date.now() + 30_000; (await server.activeQueries('restarts', server.sleepSql(5))) === 0; await sleep(20)) {
        if (Date.now() > deadline) throw new Error('the transaction never started sleeping');
      }
      await server.restart();
      const response = await pending;
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const after = (await server.rows<{ n: number | bigint }>(url, countUsers))[0]!.n;
      expect(Number(after)).toBe(Number(before));
    }, 60_000);
  });
}
