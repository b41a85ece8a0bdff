import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKustoDb, PROFILE_DEFAULTS, type KustoDb } from '@kusto/db';
import { startTcpProxy, type TcpProxy } from '@kusto/test-servers';
import { fixtureProject, schemaFor, USER_MODELS } from '@kusto/test-servers/prisma-fixtures';
import { providerServers, type ProviderServer } from '@kusto/test-servers/testing';
import { createDbErrorHandler } from '../errors/db-error-handler.js';
import { EXPRESS_VERSIONS, finalErrorHandler, serve, type RunningApp } from '../test-support/harness.js';
import { createDbConnectionMiddleware } from './db-connection-middleware.js';

// The app's pooled connection goes silent (the TCP proxy stops forwarding it, no FIN or RST: a NAT
// or load balancer that forgot it) between two requests. With the default settings the next
// request must get an answer, not hang: 503 with Retry-After once the query bound gives up on the
// socket, and the request after it a 200 on a new connection. On every provider with a real server
// here (MariaDB skipped, with the reason, where it cannot run).

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const [, express] = EXPRESS_VERSIONS[0];
const kits = await providerServers();

for (const kit of kits) {
  const suite = kit.available ? describe : describe.skip;
  suite(`a silently dead pooled connection through the middleware, on ${kit.name}${kit.available ? '' : ` (skipped: ${kit.reason})`}`, () => {
    let server: ProviderServer;
    let proxy: TcpProxy;
    let manager: KustoDb;
    let app: RunningApp;

    beforeAll(async () => {
      let project: string;
      [server, project] = await Promise.all([kit.start(), fixtureProject({ packageDir, databases: { user: schemaFor(kit.provider, USER_MODELS) } })]);
      const url = await server.createDatabase('silent_http');
      await server.exec(url, server.userTableSql);
      proxy = await startTcpProxy({ targetHost: server.host, targetPort: server.port });
      // Default settings, but for the first check's bound (it also loads Prisma's query compiler).
      manager = createKustoDb({ cwd: project, env: { RDS_USER_URL: proxy.url(url) }, profile: 'traditional', checkTimeoutMs: 3_000 });
      const instance = express();
      instance.use(createDbConnectionMiddleware({ manager, databases: ['user'], continueOnFailure: false }));
      instance.get('/users', (req, res, next) => {
        req
          .kusto!.db.getClient('user')
          .then((client) => (client as unknown as { user: { count(): Promise<number> } }).user.count())
          .then((count) => res.json({ count }))
          .catch(next);
      });
      instance.use(createDbErrorHandler({ manager }));
      instance.use(finalErrorHandler);
      app = await serve(instance);
    }, 60_000);

    afterAll(async () => {
      await app?.close();
      await manager?.disconnectAll();
      await proxy?.close();
      await server?.close();
    });

    test('a request on a silently dead pooled connection answers 503 with Retry-After (bounded by pool.queryTimeoutMillis), the next one 200 on a new connection', async () => {
      expect((await fetch(`${app.url}/users`)).status).toBe(200);
      // The request's connection is pooled: one on pg; the mariadb pool may have opened another in
      // the background by now (its minimum idle), which the stall makes silent as well.
      if (kit.provider === 'postgresql') expect(manager.statusOf('user').pool).toMatchObject({ total: 1 });
      else expect(manager.statusOf('user').pool!.total).toBeGreaterThanOrEqual(1);

      proxy.stall();
      const started = performance.now();
      const response = await fetch(`${app.url}/users`, { signal: AbortSignal.timeout(30_000) });
      const waitedMs = performance.now() - started;
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await response.json()).toMatchObject({ error: 'Database temporarily unavailable', database: 'user' });
      // It was the query bound that answered (not a 30 s client timeout): at least the bound, well before the abort.
      expect(waitedMs).toBeGreaterThanOrEqual(PROFILE_DEFAULTS.traditional.pool.queryTimeoutMillis - 50);

      let next = 0;
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
        next = (await fetch(`${app.url}/users`)).status;
        if (next === 200) break;
        expect(next).toBe(503);
      }
      expect(next).toBe(200);
    }, 60_000);
  });
}
