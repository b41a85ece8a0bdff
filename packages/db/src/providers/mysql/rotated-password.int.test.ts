import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { providerServers, type ProviderServer } from '@kusto/test-servers/testing';
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

  const urlWith = (password: string): string => {
    const url = new URL(adminUrl);
    url.username = 'rotating_app';
    url.password = password;
    return url.toString();
  };

  beforeAll(async () => {
    [server, project] = await Promise.all([kit!.start(), fixtureProject({ main: schemaFor('mysql', USER_MODELS) })]);
    adminUrl = await server.createDatabase('rotation');
    await server.exec(adminUrl, "CREATE USER 'rotating_app'@'%' IDENTIFIED BY 'first-secret'", "GRANT ALL ON rotation.* TO 'rotating_app'@'%'");
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
});
