import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { acceptsTcp } from '@kusto/test-servers';
import { fixtureProject, schemaFor, USER_MODELS } from '@kusto/test-servers/prisma-fixtures';
import { createTestDatabase, providerServers, sharedServerUrl, type ProviderServer, type TestDatabase } from '@kusto/test-servers/testing';
import { twoDatabaseProject } from '../test-support/harness.js';
import { startScenario } from '../test-support/scenario-process.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, '..', '..');
const APP_NAME = 'kusto_shutdown_app';
let project: string;
let user: TestDatabase;
let temporary: TestDatabase;
let child: ChildProcess | undefined;

beforeAll(async () => {
  [project, user, temporary] = await Promise.all([twoDatabaseProject(), createTestDatabase('shutdown_user'), createTestDatabase('shutdown_tmp')]);
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await Promise.all([user?.drop(), temporary?.drop()]);
});

async function appConnections(): Promise<number> {
  const admin = new pg.Client({ connectionString: sharedServerUrl() });
  await admin.connect();
  try {
    const result = await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [APP_NAME]);
    return Number(result.rows[0]!.n);
  } finally {
    await admin.end();
  }
}

test('SIGTERM: readiness flips, new connections are refused, the slow request completes, pools close, exit 0 by itself', async () => {
  const withName = (url: string) => `${url}?application_name=${APP_NAME}`;
  const app = await startScenario('graceful-shutdown.mjs', [project, withName(user.url), withName(temporary.url)]);
  child = app.process;
  const { port, exited } = app;
  const base = `http://127.0.0.1:${port}`;

  expect((await fetch(`${base}/readyz`)).status).toBe(200);
  expect(await appConnections()).toBeGreaterThan(0);

  const slow = fetch(`${base}/slow`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  app.process.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 50));

  const draining = await fetch(`${base}/readyz`);
  expect(draining.status).toBe(503);
  expect(await draining.json()).toEqual({ status: 'draining', reason: 'SIGTERM' });

  await new Promise((resolve) => setTimeout(resolve, 400));
  expect(await acceptsTcp(port)).toBe(false);

  const slowResponse = await slow;
  expect(slowResponse.status).toBe(200);
  expect(await slowResponse.json()).toEqual({ done: true });

  expect(await exited).toBe(0);
  expect(app.output()).toContain('shutdown complete');
  expect(app.output()).not.toContain('still running after'); // the finished request's connection closed at once
  expect(await appConnections()).toBe(0);
}, 30_000);


const kits = await providerServers();

for (const kit of kits) {
  const suite = kit.available ? describe : describe.skip;
  suite(`the shutdown deadline on ${kit.name}${kit.available ? '' : ` (skipped: ${kit.reason})`}`, () => {
    let server: ProviderServer;
    let deadlineProject: string;
    let url: string;

    beforeAll(async () => {
      [server, deadlineProject] = await Promise.all([kit.start(), fixtureProject({ packageDir, databases: { user: schemaFor(kit.provider, USER_MODELS) } })]);
      url = await server.createDatabase('shutdown_deadline');
    }, 120_000);

    afterAll(async () => {
      await server?.close();
    });

    test('SIGTERM with a query still running at the deadline: it is cancelled on the server before the process exits', async () => {
      const sleep = server.sleepSql(15);
      const sleeping = () => server.activeQueries('shutdown_deadline', sleep);
      const app = await startScenario('shutdown-deadline.mjs', [deadlineProject, url, sleep]);
      child = app.process;
      const { port, exited } = app;

      const stuck = fetch(`http://127.0.0.1:${port}/stuck`).then(
        (response) => response.status,
        () => 'connection closed',
      );
      for (const deadline = Date.now() + 10_000; (await sleeping()) === 0; await new Promise((resolve) => setTimeout(resolve, 50))) {
        if (Date.now() > deadline) throw new Error('the query never started');
      }
      app.process.kill('SIGTERM');

      expect(await exited).toBe(0);
      expect(app.output()).toContain('still running after 500 ms');
      expect(app.output()).toContain('shutdown complete');
      // The request was cut at the deadline; its query did not outlive the process on the server.
      expect(await stuck).toBe('connection closed');
      expect(await sleeping()).toBe(0);
      // The server ends a session shortly after its client's socket goes (seen still counted right after the exit, once).
      const connections = () => server.connectionCount('shutdown_deadline');
      for (const deadline = Date.now() + 5_000; (await connections()) > 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await connections()).toBe(0);
    }, 60_000);
  });
}
