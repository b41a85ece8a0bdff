import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createKustoDb, type KustoDb } from '@kusto/db';
import { fixtureProject, schemaFor, USER_MODELS } from '@kusto/test-servers/prisma-fixtures';
import { providerServers, type ProviderServer } from '@kusto/test-servers/testing';
import { createDbErrorHandler } from '../errors/db-error-handler.js';
import { createHealthRouter } from '../health/health-router.js';
import { EXPRESS_VERSIONS, finalErrorHandler, serve, type RunningApp } from '../test-support/harness.js';
import { createDbConnectionMiddleware } from './db-connection-middleware.js';

// A primary that turned read-only (what the old writer looks like after an RDS/Aurora failover),
// seen over HTTP, on every provider with a real server here (MariaDB skipped, with the reason,
// where it cannot run): writes answer 503 with Retry-After (never 500), readiness is false with the
// reason until the server accepts writes again, then writes answer 200. Caused for real: Postgres
// `ALTER SYSTEM SET default_transaction_read_only = on` + reload; MariaDB `SET GLOBAL read_only = ON`
// (which binds users without READ ONLY ADMIN, so the app connects as a user of its own there).

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const [, express] = EXPRESS_VERSIONS[0];

interface Users {
  user: { create(args: { data: { email: string } }): Promise<{ id: number }> };
}

const kits = await providerServers();

for (const kit of kits) {
  const suite = kit.available ? describe : describe.skip;
  suite(`a read-only primary through the middleware, on ${kit.name}${kit.available ? '' : ` (skipped: ${kit.reason})`}`, () => {
    let server: ProviderServer;
    let adminUrl: string;
    let manager: KustoDb;
    let app: RunningApp;

    async function setReadOnly(on: boolean): Promise<void> {
      if (kit.provider === 'mysql') return server.exec(adminUrl, `SET GLOBAL read_only = ${on ? 'ON' : 'OFF'}`);
      await server.exec(adminUrl, on ? 'ALTER SYSTEM SET default_transaction_read_only = on' : 'ALTER SYSTEM RESET default_transaction_read_only', 'SELECT pg_reload_conf()');
      await sleep(200); // every backend has processed the reload
    }

    beforeAll(async () => {
      let project: string;
      [server, project] = await Promise.all([kit.start(), fixtureProject({ packageDir, databases: { user: schemaFor(kit.provider, USER_MODELS) } })]);
      adminUrl = await server.createDatabase('read_only_http');
      await server.exec(adminUrl, server.userTableSql);
      let appUrl = adminUrl;
      if (kit.provider === 'mysql') {
        await server.exec(
          adminUrl,
          ...['%', 'localhost', '127.0.0.1'].flatMap((host) => [
            `CREATE USER IF NOT EXISTS 'kusto_http'@'${host}' IDENTIFIED BY 'http-secret'`,
            `GRANT ALL PRIVILEGES ON read_only_http.* TO 'kusto_http'@'${host}'`,
          ]),
        );
        const url = new URL(adminUrl);
        url.username = 'kusto_http';
        url.password = 'http-secret';
        appUrl = url.toString();
      }
      manager = createKustoDb({ cwd: project, env: { RDS_USER_URL: appUrl }, profile: 'traditional', checkTimeoutMs: 3_000, maxRetries: 1, retryDelayMs: 20 });
      const instance = express();
      instance.use(createHealthRouter({ manager }));
      instance.use(createDbConnectionMiddleware({ manager, databases: ['user'], continueOnFailure: false }));
      let n = 0;
      instance.post('/users', (req, res, next) => {
        req
          .kusto!.db.getClient('user')
          .then((client) => (client as unknown as Users).user.create({ data: { email: `u${++n}@example.com` } }))
          .then((user) => res.json(user))
          .catch(next);
      });
      instance.use(createDbErrorHandler({ manager }));
      instance.use(finalErrorHandler);
      app = await serve(instance);
    }, 120_000);

    afterAll(async () => {
      await app?.close();
      await manager?.disconnectAll();
      if (server?.running) await setReadOnly(false).catch(() => undefined);
      await server?.close();
    });

    test('writes answer 503 with Retry-After while it is read-only, readiness says why; once writable, 200 and ready again', async () => {
      expect((await fetch(`${app.url}/users`, { method: 'POST' })).status).toBe(200);
      expect((await fetch(`${app.url}/readyz`)).status).toBe(200);

      await setReadOnly(true);
      const refused = await fetch(`${app.url}/users`, { method: 'POST' });
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await refused.json()).toMatchObject({ error: 'Database temporarily unavailable', database: 'user' });
      const notReady = await fetch(`${app.url}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toMatchObject({ status: 'unavailable', databases: { user: { healthy: false, failure: 'readOnly' } } });
      // Still read-only: every write keeps getting 503, never a 500.
      for (let i = 0; i < 5; i++) expect((await fetch(`${app.url}/users`, { method: 'POST' })).status).toBe(503);

      await setReadOnly(false);
      let status = 0;
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(100)) {
        status = (await fetch(`${app.url}/users`, { method: 'POST' })).status;
        if (status === 200) break;
        expect(status).toBe(503);
      }
      expect(status).toBe(200);
      expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    }, 60_000);
  });
}
