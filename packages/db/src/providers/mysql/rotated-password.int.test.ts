import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTcpProxy } from '@kusto/test-servers';
import { providerServers, type ProviderServer } from '@kusto/test-servers/testing';
import { classifyError } from '../../connection/classify-error.js';
import { createKustoDb } from '../../manager.js';
import { fixtureProject, schemaFor, USER_MODELS } from '../../test-support/fixture-project.js';

// A password rotated on a real MariaDB (ALTER USER … IDENTIFIED BY) while the app runs, with the new
// URL already in the environment: connections the pool opens from then on must use it.

interface Probe {
  $queryRawUnsafe<T>(sql: string): Promise<T>;
}

const kit = (await providerServers()).find((candidate) => candidate.provider === 'mysql');
const suite = kit?.available ? describe : describe.skip;

suite(`MySQL password rotated on the server, new URL in the environment${kit?.available ? '' : ` (skipped: ${kit?.reason ?? 'no MySQL kit'})`}`, () => {
  let server: ProviderServer;
  let project: string;
  let adminUrl: string;

  const urlWith = (password: string, user = 'rotating_app', base = adminUrl): string => {
    const url = new URL(base);
    url.username = user;
    url.password = password;
    return url.toString();
  };

  beforeAll(async () => {
    [server, project] = await Promise.all([kit!.start(), fixtureProject({ main: schemaFor('mysql', USER_MODELS) })]);
    adminUrl = await server.createDatabase('rotation');
    await server.exec(adminUrl, "CREATE USER 'rotating_app'@'%' IDENTIFIED BY 'first-secret'", "GRANT ALL ON rotation.* TO 'rotating_app'@'%'");
    await server.exec(adminUrl, "CREATE USER 'next_app'@'%' IDENTIFIED BY 'next-secret'", "GRANT ALL ON rotation.* TO 'next_app'@'%'");
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  test('a burst that needs new connections gets no authentication failure (0 × 503): new connections use the new URL', async () => {
    const env: NodeJS.ProcessEnv = { RDS_MAIN_URL: urlWith('first-secret') };
    // A 60 s interval: the burst does not go through a slow-path check, as in a busy app.
    const m = createKustoDb({ cwd: project, env, profile: 'traditional', checkIntervalMs: 60_000, checkTimeoutMs: 3_000 });
    try {
      const client = (await m.getClient('main')) as unknown as Probe;
      await client.$queryRawUnsafe('SELECT 1');

      await server.exec(adminUrl, "ALTER USER 'rotating_app'@'%' IDENTIFIED BY 'second-secret'");
      env.RDS_MAIN_URL = urlWith('second-secret');

      const burst = await Promise.all(
        Array.from({ length: 6 }, async () => {
          const c = (await m.getClient('main')) as unknown as Probe;
          return c.$queryRawUnsafe(server.sleepSql(0.3)).then(
            () => 'ok',
            (error: unknown) => (error as Error).message,
          );
        }),
      );
      expect(burst).toEqual(Array(6).fill('ok'));
      expect(m.statusOf('main').pool!.total).toBeGreaterThanOrEqual(2);
      expect(m.statusOf('main').state).toBe('ready');
    } finally {
      await m.disconnectAll();
    }
  }, 60_000);

  // The connector's pool.end() destroys connections still in use after 10 s, and its destroy() of a
  // busy connection sends `KILL <thread>` from a new connection without handling that statement's
  // failure: on a session the server has already ended, an unhandled rejection, which ends the process.
  test('a statement left unbounded (queryTimeoutMillis 0) on the old pool, its socket silent and its session ended: retiring that pool ends it without an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const proxy = await startTcpProxy({ targetHost: server.host, targetPort: server.port });
    // Rotation to another user (as with alternating users): the old credentials keep working.
    const env: NodeJS.ProcessEnv = { RDS_MAIN_URL: proxy.url(urlWith('first-secret')) };
    await server.exec(adminUrl, "ALTER USER 'rotating_app'@'%' IDENTIFIED BY 'first-secret'");
    const m = createKustoDb({ cwd: project, env, profile: 'traditional', checkTimeoutMs: 3_000, databases: { main: { pool: { queryTimeoutMillis: 0 } } } });
    try {
      const client = (await m.getClient('main')) as unknown as Probe;
      const pending = client.$queryRawUnsafe(server.sleepSql(60)).then(
        () => 'answered',
        (error: unknown) => error,
      );
      const deadline = Date.now() + 10_000;
      while ((await server.activeQueries('rotation', server.sleepSql(60))) !== 1) {
        if (Date.now() > deadline) throw new Error('the statement never started');
        await sleep(50);
      }
      proxy.stall();
      expect(await server.killConnections('rotation')).toBeGreaterThan(0);

      env.RDS_MAIN_URL = proxy.url(urlWith('next-secret', 'next_app'));
      // Through the proxy, which lets new connections through: the new pool, with the new user.
      await expect(client.$queryRawUnsafe('SELECT 1')).resolves.toHaveLength(1);

      // The old pool gives its busy connection 10 s, then closes it: the statement's caller is answered.
      expect(classifyError(await pending)).toBe('connection');
      await sleep(1_000);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await m.disconnectAll();
      await proxy.close();
    }
  }, 60_000);
});
