import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKustoDb, discoverDatabases, isConfigurationError, UnknownDatabaseError, writeDatabaseTypes, type KustoDb } from '@kusto/db';
import { typecheckUsage } from '@kusto/test-servers/prisma-fixtures';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
import { createDbErrorHandler } from '../errors/db-error-handler.js';
import { createHealthRouter } from '../health/health-router.js';
import { EXPRESS_VERSIONS, serve, twoDatabaseProject, type ExpressFactory, type RunningApp } from '../test-support/harness.js';
import { createDbConnectionMiddleware } from './db-connection-middleware.js';

// Mistakes a new user makes: a misspelled database name, a URL variable not set. Each must say
// what to fix, once and in JSON, never as an HTML stack trace on every request.

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let project: string;
let temporary: TestDatabase;

beforeAll(async () => {
  [project, temporary] = await Promise.all([twoDatabaseProject(), createTestDatabase('mw_config_tmp')]);
});

afterAll(async () => {
  await temporary?.drop();
});

test('with the generated declaration, `databases` takes the typed names: a misspelled one does not compile', async () => {
  const typed = await twoDatabaseProject();
  await writeDatabaseTypes(discoverDatabases({ cwd: typed }).databases.values(), path.join(typed, 'src', 'kusto-databases.d.ts'));
  const result = await typecheckUsage(
    typed,
    `import { createDbConnectionMiddleware } from ${JSON.stringify(path.join(packageDir, 'dist', 'index.js'))};
export const ok = createDbConnectionMiddleware({ databases: ['user', 'temporary'] });
// @ts-expect-error -- not a database
export const misspelled = createDbConnectionMiddleware({ databases: ['usr'] });
`,
    path.join(packageDir, 'node_modules', '@kusto', 'db', 'dist', 'index.d.ts'),
  );
  expect(result).toEqual({ code: 0, output: '' });
}, 60_000);

describe.each(EXPRESS_VERSIONS)('configuration mistakes on %s', (_label, express: ExpressFactory) => {
  let manager: KustoDb;
  let app: RunningApp | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await manager?.disconnectAll();
  });

  // RDS_USER_URL is not set; temporary works.
  async function startApp(middleware: Parameters<typeof createDbConnectionMiddleware>[0]) {
    manager = createKustoDb({ cwd: project, profile: 'traditional', env: { RDS_TEMPORARY_URL: temporary.url }, checkTimeoutMs: 3_000 });
    const instance = express();
    instance.use(createHealthRouter({ manager }));
    instance.use(createDbConnectionMiddleware({ manager, ...middleware }));
    instance.get('/thing', (req, res, next) => {
      req
        .kusto!.db.getClient('user')
        .then(() => res.json({ ok: true }))
        .catch(next);
    });
    instance.use(createDbErrorHandler({ manager }));
    // No final handler of ours: Express's own would answer an HTML stack trace.
    app = await serve(instance);
    return app.url;
  }

  test('an unknown name in `databases` throws when the middleware is created, with the known names', () => {
    manager = createKustoDb({ cwd: project, env: {} });
    let thrown: unknown;
    try {
      createDbConnectionMiddleware({ manager, databases: ['usr'] });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UnknownDatabaseError);
    expect((thrown as Error).message).toMatch(/Unknown database "usr". Known databases: temporary, user/);
  });

  test('a database whose URL variable is not set: requests get a JSON 500 naming the variable, readiness says which one is missing', async () => {
    const url = await startApp({ databases: ['user'] });
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${url}/thing`);
      expect(response.status).toBe(500);
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      const body = (await response.json()) as Record<string, string>;
      expect(body).toMatchObject({ error: 'Database not configured', database: 'user', code: 'MISSING_URL' });
      expect(body.detail).toMatch(/set the environment variable RDS_USER_URL/);
      expect(JSON.stringify(body)).not.toMatch(/ at .*\.js/); // no stack trace
    }

    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      status: 'unavailable',
      databases: {
        user: { healthy: false, configurationError: 'MISSING_URL', missingVariable: 'RDS_USER_URL', reason: expect.stringMatching(/RDS_USER_URL/) },
        temporary: { healthy: true },
      },
    });
    const detail = await fetch(`${url}/health/db`);
    expect(await detail.json()).toMatchObject({ databases: { user: { missingVariable: 'RDS_USER_URL' } } });
  });

  test('onError replaces the default handling of a configuration mistake too, and can tell it from an unavailable database', async () => {
    const seen: Array<{ code: string; configuration: boolean; database: string | undefined }> = [];
    const url = await startApp({
      databases: ['user'],
      onError: (error, _req, res) => {
        seen.push({ code: error.code, configuration: isConfigurationError(error), database: error.database });
        res.status(503).json({ custom: error.code });
      },
    });
    const response = await fetch(`${url}/thing`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ custom: 'MISSING_URL' });
    expect(seen).toEqual([{ code: 'MISSING_URL', configuration: true, database: 'user' }]);
  });

  test('onError gets an unknown name found on the first request (folders not readable when the middleware was made)', async () => {
    const late = createKustoDb({ cwd: path.join(project, 'not-yet'), env: {} });
    manager = late;
    const codes: string[] = [];
    const instance = express();
    instance.use(createDbConnectionMiddleware({ manager: late, databases: ['usr'], onError: (error, _req, res) => void (codes.push(error.code), res.status(500).json({ custom: error.code })) }));
    app = await serve(instance);
    const response = await fetch(`${app.url}/thing`);
    expect(await response.json()).toEqual({ custom: 'ROOT_NOT_FOUND' });
    expect(codes).toEqual(['ROOT_NOT_FOUND']);
  });

  test('a route asking for a database whose URL is not set: the error handler answers the same JSON 500', async () => {
    const url = await startApp({ databases: ['temporary'] });
    const response = await fetch(`${url}/thing`);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: 'Database not configured', database: 'user', code: 'MISSING_URL' });
  });
});
