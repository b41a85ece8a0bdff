import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKustoDb, HEALTH_DEFAULTS, type KustoDb } from '@kusto/db';
import { startTcpProxy, type TcpProxy } from '@kusto/test-servers';
import { fixtureProject, schemaFor, USER_MODELS } from '@kusto/test-servers/prisma-fixtures';
import { providerServers, type ProviderServer } from '@kusto/test-servers/testing';
import { EXPRESS_VERSIONS, finalErrorHandler, serve, type RunningApp } from '../test-support/harness.js';
import { createHealthRouter, DEFAULT_READINESS_TIMEOUT_MS } from './health-router.js';

// A database that accepts TCP and never answers (the TCP proxy stalls every connection, old and
// new), under default settings: the router's bound (2 000 ms) equals the check's own
// (`checkTimeoutMs`, 2 000 ms). Readiness must call it a `timeout`, and say what timed out.

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const [, express] = EXPRESS_VERSIONS[0];
const kits = await providerServers();

test('the defaults this suite is about: the router bound equals checkTimeoutMs', () => {
  expect(DEFAULT_READINESS_TIMEOUT_MS).toBe(HEALTH_DEFAULTS.checkTimeoutMs);
});

for (const kit of kits) {
  const suite = kit.available ? describe : describe.skip;
  suite(`/readyz on a silent database, on ${kit.name}${kit.available ? '' : ` (skipped: ${kit.reason})`}`, () => {
    let server: ProviderServer;
    let proxy: TcpProxy;
    let manager: KustoDb;
    let app: RunningApp;

    beforeAll(async () => {
      let project: string;
      [server, project] = await Promise.all([kit.start(), fixtureProject({ packageDir, databases: { user: schemaFor(kit.provider, USER_MODELS) } })]);
      const url = await server.createDatabase('silent_ready');
      proxy = await startTcpProxy({ targetHost: server.host, targetPort: server.port });
      manager = createKustoDb({ cwd: project, env: { RDS_USER_URL: proxy.url(url) }, profile: 'traditional' });
      // Warm: the client is initialised (Prisma's query compiler loaded) before the server goes silent.
      await manager.getClient('user');
      const instance = express();
      instance.use(createHealthRouter({ manager, showTargets: true }));
      instance.use(finalErrorHandler);
      app = await serve(instance);
    }, 60_000);

    afterAll(async () => {
      await app?.close();
      await manager?.disconnectAll();
      await proxy?.close();
      await server?.close();
    });

    test('readiness answers 503 with failure "timeout", and the reason names the health query that got no answer', async () => {
      expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
      proxy.stall();
      proxy.blackhole();
      const response = await fetch(`${app.url}/readyz`, { signal: AbortSignal.timeout(30_000) });
      expect(response.status).toBe(503);
      const body = (await response.json()) as { databases: { user: { healthy: boolean; failure: string } } };
      expect(body.databases.user).toMatchObject({ healthy: false, failure: 'timeout' });
      expect(manager.statusOf('user').lastError).toMatch(new RegExp(`^no answer to SELECT .* within ${HEALTH_DEFAULTS.checkTimeoutMs} ms`));
    }, 60_000);
  });
}
