import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import pg from 'pg';
import { startPostgres, type PostgresServer } from '@kusto/test-servers';
import { createKustoDb } from '../manager.js';
import { fixtureProject, schemaFor, USER_MODELS } from '../test-support/fixture-project.js';

// A password rotated on the server (ALTER ROLE … PASSWORD) while the app runs, with the new URL
// already in the environment: connections the pool opens from then on must use it.

let server: PostgresServer;
let project: string;
let adminUrl: string;

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function urlWith(password: string): string {
  const url = new URL(adminUrl);
  url.username = 'rotating_app';
  url.password = password;
  return url.toString();
}

beforeAll(async () => {
  [server, project] = await Promise.all([startPostgres({ backend: 'embedded' }), fixtureProject({ main: schemaFor('postgresql', USER_MODELS) })]);
  adminUrl = await server.createDatabase('rotation');
  await admin("CREATE ROLE rotating_app LOGIN PASSWORD 'first-secret'");
}, 60_000);

afterAll(async () => {
  await server?.close();
});

interface Probe {
  $queryRawUnsafe<T>(sql: string): Promise<T>;
}

describe('password rotated on the server, new URL in the environment', () => {
  test('a burst that needs new connections gets no authentication failure: each new connection reads the URL', async () => {
    const env: NodeJS.ProcessEnv = { RDS_MAIN_URL: urlWith('first-secret') };
    // A 60 s interval: the burst does not go through a slow-path check, as in a busy app.
    const m = createKustoDb({ cwd: project, env, profile: 'traditional', checkIntervalMs: 60_000, checkTimeoutMs: 3_000 });
    try {
      const client = (await m.getClient('main')) as unknown as Probe;
      await client.$queryRawUnsafe('SELECT 1');
      expect(m.statusOf('main').pool).toMatchObject({ total: 1 });

      await admin("ALTER ROLE rotating_app PASSWORD 'second-secret'");
      env.RDS_MAIN_URL = urlWith('second-secret');

      const burst = await Promise.all(
        Array.from({ length: 6 }, async () => {
          const c = (await m.getClient('main')) as unknown as Probe;
          return c.$queryRawUnsafe('SELECT 1 AS one FROM pg_sleep(0.3)').then(
            () => 'ok',
            (error: unknown) => (error as Error).message,
          );
        }),
      );
      expect(burst).toEqual(Array(6).fill('ok'));
      expect(m.statusOf('main').pool!.total).toBeGreaterThanOrEqual(6);
      expect(m.statusOf('main').state).toBe('ready');
    } finally {
      await m.disconnectAll();
    }
  });
});
