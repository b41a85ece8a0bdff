import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { providerServers, type ProviderServer } from '@kusto/test-servers/testing';
import { createKustoDb } from '../../manager.js';
import { fixtureProject, schemaFor, USER_MODELS } from '../../test-support/fixture-project.js';

// disconnectAll() on a real MariaDB with a statement still running past the grace period: the
// statement must stop on the server too (KILL QUERY), not only lose its socket.

interface Probe {
  $queryRawUnsafe<T>(sql: string): Promise<T>;
}

const kit = (await providerServers()).find((candidate) => candidate.provider === 'mysql');
const suite = kit?.available ? describe : describe.skip;

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

suite(`MySQL shutdown deadline${kit?.available ? '' : ` (skipped: ${kit?.reason ?? 'no MySQL kit'})`}`, () => {
  let server: ProviderServer;
  let project: string;
  let url: string;

  beforeAll(async () => {
    [server, project] = await Promise.all([kit!.start(), fixtureProject({ main: schemaFor('mysql', USER_MODELS) })]);
    url = await server.createDatabase('shutdown');
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  test('disconnectAll() kills statements still running after its grace period on the server', async () => {
    // No query bound: only the shutdown can stop the statement.
    const m = createKustoDb({ cwd: project, env: { RDS_MAIN_URL: url }, profile: 'traditional', checkTimeoutMs: 3_000, pool: { queryTimeoutMillis: 0 } });
    const client = (await m.getClient('main')) as unknown as Probe;
    const pending = client.$queryRawUnsafe(server.sleepSql(30)).catch(() => 'failed');
    const sleeps = () => server.activeQueries('shutdown', 'SLEEP(30)');
    await waitUntil(async () => (await sleeps()) === 1, 10_000);

    await m.disconnectAll();
    await waitUntil(async () => (await sleeps()) === 0, 3_000);
    expect(await sleeps()).toBe(0);
    await pending;
  }, 60_000);
});
