import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTcpProxy, type TcpProxy } from '@kusto/test-servers';
import { providerServers, type ProviderServer } from '@kusto/test-servers/testing';
import { PROFILE_DEFAULTS } from '../defaults.js';
import type { ErrorEvent } from '../events.js';
import { createKustoDb, type KustoDb } from '../manager.js';
import { fixtureProject, schemaFor, USER_MODELS } from '../test-support/fixture-project.js';
import { classifyError } from './classify-error.js';

// Pooled sockets that die without a word, on every provider with a real server here (MariaDB
// skipped, with the reason, where it cannot run): the TCP proxy stops forwarding the connections it
// has open (no FIN, no RST: a NAT or load balancer that forgot them) while new connections still
// get through. The query on such a socket must not wait forever, its connection must leave the
// pool, and the server must stop running it (Postgres: a cancel request; MySQL: KILL QUERY).

interface Probe {
  $queryRawUnsafe<T>(sql: string): Promise<T>;
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

const kits = await providerServers();

for (const kit of kits) {
  const suite = kit.available ? describe : describe.skip;
  suite(`a pooled connection that goes silent mid-query, on ${kit.name}${kit.available ? '' : ` (skipped: ${kit.reason})`}`, () => {
    let server: ProviderServer;
    let proxy: TcpProxy;
    let project: string;
    let directUrl: string;
    const managers: KustoDb[] = [];
    const longSleep = () => server.sleepSql(30);
    const sleeps = () => server.activeQueries('silent', longSleep());

    beforeAll(async () => {
      [server, project] = await Promise.all([kit.start(), fixtureProject({ main: schemaFor(kit.provider, USER_MODELS) })]);
      directUrl = await server.createDatabase('silent');
      proxy = await startTcpProxy({ targetHost: server.host, targetPort: server.port });
    }, 120_000);

    afterEach(async () => {
      await Promise.all(managers.splice(0).map((m) => m.disconnectAll()));
      proxy.heal();
    });

    afterAll(async () => {
      await proxy?.close();
      await server?.close();
    });

    function manager(url: string, options: Parameters<typeof createKustoDb>[0] = {}): KustoDb {
      // The first check of a new client also loads Prisma's query compiler: a generous check bound.
      const m = createKustoDb({ cwd: project, env: { RDS_MAIN_URL: url }, profile: 'traditional', checkTimeoutMs: 3_000, ...options });
      managers.push(m);
      return m;
    }

    async function selectOne(m: KustoDb): Promise<number> {
      const client = (await m.getClient('main')) as unknown as Probe;
      const rows = await client.$queryRawUnsafe<{ one: number | bigint }[]>('SELECT 1 AS one');
      return Number(rows[0]!.one);
    }

    test('default settings: the query fails as a timeout (503 material) instead of hanging, its connection leaves the pool, the server stops running it, and the next query works on a new connection', async () => {
      expect(PROFILE_DEFAULTS.traditional.pool.queryTimeoutMillis).toBeGreaterThan(0);
      const m = manager(proxy.url(directUrl));
      const poolErrors: ErrorEvent[] = [];
      m.on('error', (event) => event.during === 'pool' && poolErrors.push(event));
      const client = (await m.getClient('main')) as unknown as Probe;
      expect(await selectOne(m)).toBe(1);
      // One connection on pg; the mariadb pool may open another in the background (its minimum idle).
      if (kit.provider === 'postgresql') expect(m.statusOf('main').pool).toMatchObject({ total: 1 });
      else expect(m.statusOf('main').pool!.total).toBeGreaterThan(0);

      const pending = client.$queryRawUnsafe(longSleep()).then(
        () => 'answered',
        (error: unknown) => error,
      );
      await waitUntil(async () => (await sleeps()) === 1, 10_000);
      proxy.stall();

      const error = await pending;
      expect(classifyError(error)).toBe('timeout');
      expect(m.reportError('main', error)).toBe(true);
      // The dead connection was given up: no slot is held by it (the mariadb pool may already have
      // opened a fresh idle one to keep its minimum), and the manager was told.
      const pool = m.statusOf('main').pool!;
      expect(pool.total - pool.idle).toBe(0);
      if (kit.provider === 'postgresql') expect(pool.total).toBe(0);
      expect(poolErrors.map((event) => event.kind)).toEqual(['timeout']);
      // Stopped on the server from a new connection.
      await waitUntil(async () => (await sleeps()) === 0, 5_000);
      expect(await selectOne(m)).toBe(1);
    }, 60_000);

    test('a silent connection whose session the server has already ended: given up on without an unhandled rejection (the process would end)', async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        const m = manager(proxy.url(directUrl), { databases: { main: { pool: { queryTimeoutMillis: 1_500 } } } });
        const client = (await m.getClient('main')) as unknown as Probe;
        const pending = client.$queryRawUnsafe(longSleep()).then(
          () => 'answered',
          (error: unknown) => error,
        );
        await waitUntil(async () => (await sleeps()) === 1, 10_000);
        proxy.stall();
        // The server ends the session; the stalled proxy keeps that from the client.
        expect(await server.killConnections('silent')).toBeGreaterThan(0);

        expect(classifyError(await pending)).toBe('timeout');
        // Whatever a driver sends on a connection of its own to stop the statement has had time to fail.
        await sleep(1_000);
        expect(unhandled).toEqual([]);
        expect(await selectOne(m)).toBe(1);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    }, 60_000);

    test('pool.queryTimeoutMillis bounds a slow query on a healthy server too (stopped there), and 0 turns the bound off', async () => {
      const m = manager(directUrl, { databases: { main: { pool: { queryTimeoutMillis: 300 } } } });
      const client = (await m.getClient('main')) as unknown as Probe;
      const error = await client.$queryRawUnsafe(longSleep()).catch((e: unknown) => e);
      expect(classifyError(error)).toBe('timeout');
      await waitUntil(async () => (await sleeps()) === 0, 5_000);

      // 0 on the database wins over the manager's 300: unbounded, so a 0.5 s query is answered.
      const unbounded = manager(directUrl, { pool: { queryTimeoutMillis: 300 }, databases: { main: { pool: { queryTimeoutMillis: 0 } } } });
      const slow = (await unbounded.getClient('main')) as unknown as Probe;
      expect(await slow.$queryRawUnsafe<{ slept: unknown }[]>(server.sleepSql(0.5))).toHaveLength(1);
    }, 60_000);
  });
}
