import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { fixtureProject, schemaFor, USER_MODELS } from '@kusto/test-servers/prisma-fixtures';
import { providerServers, type ProviderServer } from '@kusto/test-servers/testing';
import { startScenario, type ScenarioProcess } from '../test-support/scenario-process.js';

// A statement inside an interactive transaction that outlives the query bound, in a real app
// process on every provider: the request gets a timeout-class answer (503), the transaction is
// rolled back, and the process lives on to answer the next request. On MySQL the adapter's ROLLBACK
// on the given-up connection used to reject with nobody listening and end the process.

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, '..', '..');

const kits = await providerServers();

for (const kit of kits) {
  const suite = kit.available ? describe : describe.skip;
  suite(`a query timeout inside an interactive transaction, on ${kit.name}${kit.available ? '' : ` (skipped: ${kit.reason})`}`, () => {
    let server: ProviderServer;
    let project: string;
    let url: string;
    let app: ScenarioProcess | undefined;

    beforeAll(async () => {
      [server, project] = await Promise.all([kit.start(), fixtureProject({ packageDir, databases: { user: schemaFor(kit.provider, USER_MODELS) } })]);
      url = await server.createDatabase('slow_transaction');
      await server.exec(url, server.userTableSql);
    }, 120_000);

    afterEach(async () => {
      const running = app;
      app = undefined;
      if (running && running.process.exitCode === null && running.process.signalCode === null) {
        running.process.kill('SIGTERM');
        const timer = setTimeout(() => running.process.kill('SIGKILL'), 5_000);
        await running.exited;
        clearTimeout(timer);
      }
    });

    afterAll(async () => {
      await server?.close();
    });

    test('answers 503, rolls back on the server, and the process answers the next requests', async () => {
      app = await startScenario('slow-transaction.mjs', [project, url, server.sleepSql(2)]);
      const base = `http://127.0.0.1:${app.port}`;
      let exitCode: number | null | undefined;
      void app.exited.then((code) => (exitCode = code));

      const slow = await fetch(`${base}/slow-transaction`);
      expect(slow.status).toBe(503);
      expect(slow.headers.get('retry-after')).not.toBeNull();
      expect(await slow.json()).toMatchObject({ database: 'user' });

      // The rollback after the timeout happens around the answer; the requests after it must find the process alive.
      for (let i = 0; i < 3; i++) {
        const next = await fetch(`${base}/users`);
        expect(next.status).toBe(200);
        expect(await next.json()).toEqual({ count: 0 });
      }
      // The statement was stopped on the server (cancel request / KILL QUERY), the transaction with it.
      const sleeping = () => server.activeQueries('slow_transaction', kit.provider === 'mysql' ? 'SLEEP(2)' : 'pg_sleep(2)');
      const deadline = Date.now() + 5_000;
      while ((await sleeping()) > 0 && Date.now() < deadline) await sleep(50);
      expect(await sleeping()).toBe(0);
      expect(exitCode).toBeUndefined();
      expect(app.process.exitCode).toBeNull();
    }, 60_000);
  });
}
