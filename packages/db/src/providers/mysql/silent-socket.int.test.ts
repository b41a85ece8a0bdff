import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTcpProxy, type TcpProxy } from '@kusto/test-servers';
import { providerServers, type ProviderServer } from '@kusto/test-servers/testing';
import { classifyError } from '../../connection/classify-error.js';
import type { ErrorEvent } from '../../events.js';
import { createKustoDb, type KustoDb } from '../../manager.js';
import { fixtureProject, schemaFor, USER_MODELS } from '../../test-support/fixture-project.js';

// Silent sockets on MySQL (a real MariaDB): the TCP proxy stops forwarding the connections it has
// open (no FIN, no RST) while new connections still get through. The query on such a socket must
// be bounded by pool.queryTimeoutMillis, its connection dropped, and the server must stop running it.

interface Probe {
  $queryRawUnsafe<T>(sql: string): Promise<T>;
}

const kit = (await providerServers()).find((candidate) => candidate.provider === 'mysql');
const suite = kit?.available ? describe : describe.skip;

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

suite(`a MySQL pooled connection that goes silent mid-query${kit?.available ? '' : ` (skipped: ${kit?.reason ?? 'no MySQL kit'})`}`, () => {
  let server: ProviderServer;
  let proxy: TcpProxy;
  let project: string;
  let url: string;
  const managers: KustoDb[] = [];

  beforeAll(async () => {
    [server, project] = await Promise.all([kit!.start(), fixtureProject({ main: schemaFor('mysql', USER_MODELS) })]);
    url = await server.createDatabase('silent');
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

  const sleeps = () => server.activeQueries('silent', 'SLEEP(30)');

  test('the query fails as a timeout (503 material) instead of hanging, its connection leaves the pool, the server stops running it (KILL QUERY), and the next query works', async () => {
    const m = createKustoDb({
      cwd: project,
      env: { RDS_MAIN_URL: proxy.url(url) },
      profile: 'traditional',
      checkTimeoutMs: 3_000,
      databases: { main: { pool: { queryTimeoutMillis: 1_500 } } },
    });
    managers.push(m);
    const poolErrors: ErrorEvent[] = [];
    m.on('error', (event) => event.during === 'pool' && poolErrors.push(event));
    const client = (await m.getClient('main')) as unknown as Probe;
    await client.$queryRawUnsafe('SELECT 1');
    expect(m.statusOf('main').pool!.total).toBeGreaterThan(0);

    const pending = client.$queryRawUnsafe(server.sleepSql(30)).then(
      () => 'answered',
      (error: unknown) => error,
    );
    await waitUntil(async () => (await sleeps()) === 1, 10_000);
    proxy.stall();

    const error = await pending;
    expect(classifyError(error)).toBe('timeout');
    expect(m.reportError('main', error)).toBe(true);
    // The dead connection was given up: no connection is held in use (the connector's pool may
    // already have opened a fresh one to keep its minimum idle).
    const pool = m.statusOf('main').pool!;
    expect(pool.total - pool.idle).toBe(0);
    expect(poolErrors.map((event) => event.kind)).toEqual(['timeout']);
    await waitUntil(async () => (await sleeps()) === 0, 5_000);

    const again = (await m.getClient('main')) as unknown as Probe;
    const rows = await again.$queryRawUnsafe<{ one: number | bigint }[]>('SELECT 1 AS one');
    expect(Number(rows[0]!.one)).toBe(1);
  }, 60_000);

  test('a silent connection whose session the server has already ended: given up on without an unhandled rejection (the process would end)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const m = createKustoDb({
        cwd: project,
        env: { RDS_MAIN_URL: proxy.url(url) },
        profile: 'traditional',
        checkTimeoutMs: 3_000,
        databases: { main: { pool: { queryTimeoutMillis: 1_500 } } },
      });
      managers.push(m);
      const client = (await m.getClient('main')) as unknown as Probe;
      const pending = client.$queryRawUnsafe(server.sleepSql(30)).then(
        () => 'answered',
        (error: unknown) => error,
      );
      await waitUntil(async () => (await sleeps()) === 1, 10_000);
      proxy.stall();
      // The server ends the session; the stalled proxy keeps that from the client.
      expect(await server.killConnections('silent')).toBeGreaterThan(0);

      expect(classifyError(await pending)).toBe('timeout');
      // Whatever the connector would send on its own connection has had time to fail.
      await sleep(1_000);
      expect(unhandled).toEqual([]);
      const again = (await m.getClient('main')) as unknown as Probe;
      const rows = await again.$queryRawUnsafe<{ one: number | bigint }[]>('SELECT 1 AS one');
      expect(Number(rows[0]!.one)).toBe(1);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  }, 60_000);

  test('pool.queryTimeoutMillis bounds a slow query on a healthy server too (killed there), and 0 turns the bound off', async () => {
    const m = createKustoDb({
      cwd: project,
      env: { RDS_MAIN_URL: url },
      profile: 'traditional',
      checkTimeoutMs: 3_000,
      databases: { main: { pool: { queryTimeoutMillis: 300 } } },
    });
    managers.push(m);
    const client = (await m.getClient('main')) as unknown as Probe;
    const error = await client.$queryRawUnsafe(server.sleepSql(30)).catch((e: unknown) => e);
    expect(classifyError(error)).toBe('timeout');
    await waitUntil(async () => (await sleeps()) === 0, 5_000);

    const unbounded = createKustoDb({
      cwd: project,
      env: { RDS_MAIN_URL: url },
      profile: 'traditional',
      checkTimeoutMs: 3_000,
      pool: { queryTimeoutMillis: 300 },
      databases: { main: { pool: { queryTimeoutMillis: 0 } } },
    });
    managers.push(unbounded);
    const slow = (await unbounded.getClient('main')) as unknown as Probe;
    const rows = await slow.$queryRawUnsafe<{ slept: unknown }[]>(server.sleepSql(0.5));
    expect(rows).toHaveLength(1);
  }, 60_000);
});
