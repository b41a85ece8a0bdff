import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createKustoDb, type KustoDb } from '@kusto/db';
import { startPostgres, type PostgresServer } from '@kusto/test-servers';
import { EXPRESS_VERSIONS, finalErrorHandler, serve, twoDatabaseProject, type RunningApp } from '../test-support/harness.js';
import { createDbErrorHandler } from './db-error-handler.js';

// A route on getClientSync (no connection middleware) whose database is down: the 503 names the
// database that failed when the error says which, else only databases that have a client, never
// every folder of the project.

const [, express] = EXPRESS_VERSIONS[0];
let server: PostgresServer;
let manager: KustoDb;
let app: RunningApp;

beforeAll(async () => {
  let project: string;
  [server, project] = await Promise.all([startPostgres({ backend: 'embedded' }), twoDatabaseProject()]);
  const user = await server.createDatabase('handler_user');
  manager = createKustoDb({ cwd: project, profile: 'traditional', env: { RDS_USER_URL: user, RDS_TEMPORARY_URL: 'postgresql://127.0.0.1:1/never_used' } });
  const instance = express();
  instance.get('/users', (_req, res, next) => {
    (manager.getClientSync('user') as unknown as { $queryRawUnsafe(sql: string): Promise<unknown> })
      .$queryRawUnsafe('SELECT 1 AS one')
      .then((rows) => res.json({ rows }))
      .catch(next);
  });
  instance.get('/wrapped', (_req, _res, next) => {
    // An error that says where it came from (as DatabaseUnavailableError does), one level down.
    next(new Error('query failed', { cause: Object.assign(new Error("Can't reach database server"), { code: 'P1001', database: 'user' }) }));
  });
  instance.use(createDbErrorHandler({ manager }));
  instance.use(finalErrorHandler);
  app = await serve(instance);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await manager?.disconnectAll();
  await server?.close();
});

test('a down database used through getClientSync is the one named, not every database of the project', async () => {
  expect((await fetch(`${app.url}/users`)).status).toBe(200);
  await server.stop();
  try {
    const response = await fetch(`${app.url}/users`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ database: 'user' });
  } finally {
    await server.start();
  }
});

test('an error that names its database (itself or its cause) is blamed on that database alone', async () => {
  const response = await fetch(`${app.url}/wrapped`);
  expect(response.status).toBe(503);
  expect(await response.json()).toMatchObject({ database: 'user' });
});
