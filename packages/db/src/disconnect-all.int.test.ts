import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { MariaDbServer } from '@kusto/test-servers';
import { createTestDatabase, mariadbAvailability, startTestMariaDb, type TestDatabase } from '@kusto/test-servers/testing';
import { ManagerClosedError } from './errors.js';
import { createKustoDb } from './manager.js';
import { fixtureProject, schemaFor, USER_MODELS } from './test-support/fixture-project.js';

const distEntry = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js');
let project: string;
let database: TestDatabase;

beforeAll(async () => {
  [project, database] = await Promise.all([
    fixtureProject({ main: schemaFor('postgresql', USER_MODELS) }),
    createTestDatabase('disconnect_all'),
  ]);
});

afterAll(() => database?.drop());

// A child process per scenario: "the process exits by itself" can only be observed from outside.
const script = (profile: string, disconnect: boolean) => `
  const { createKustoDb } = await import(${JSON.stringify(distEntry)});
  const db = createKustoDb({ cwd: process.argv[1], profile: ${JSON.stringify(profile)}, env: { RDS_MAIN_URL: process.argv[2] } });
  const client = await db.getClient('main');
  await client.$queryRawUnsafe('SELECT 1');
  ${disconnect ? "await db.disconnectAll(); await db.disconnectAll(); console.log('closed');" : "console.log('idle');"}
`;

const runScenario = async (profile: string, disconnect: boolean, cwd: string, url: string) =>
  (await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script(profile, disconnect), cwd, url], { timeout: 20_000 })).stdout.trim();

test('after disconnectAll() the process exits by itself: no timer, socket or pool is left open', async () => {
  expect(await runScenario('traditional', true, project, database.url)).toBe('closed');
});

test('in the serverless profile an idle process exits by itself even without disconnectAll()', async () => {
  expect(await runScenario('serverless', false, project, database.url)).toBe('idle');
});

const mariadb = await mariadbAvailability();
(mariadb.available ? describe : describe.skip)(`on MySQL (MariaDB)${mariadb.available ? '' : ` (skipped: ${mariadb.reason})`}`, () => {
  let server: MariaDbServer;
  let mysqlProject: string;
  let url: string;

  beforeAll(async () => {
    [server, mysqlProject] = await Promise.all([startTestMariaDb(), fixtureProject({ main: schemaFor('mysql', USER_MODELS) })]);
    url = await server.createDatabase('disconnect_all');
  }, 60_000);

  afterAll(() => server?.close());

  test('after disconnectAll() the process exits by itself', async () => {
    expect(await runScenario('traditional', true, mysqlProject, url)).toBe('closed');
  });

  test('in the serverless profile an idle process exits by itself (the connector\'s idle sockets and reaper timer do not hold it)', async () => {
    expect(await runScenario('serverless', false, mysqlProject, url)).toBe('idle');
  });
});

test('a disconnected manager refuses new work with a clear error', async () => {
  const db = createKustoDb({ cwd: project, env: { RDS_MAIN_URL: database.url } });
  await db.getClient('main');
  await db.disconnectAll();
  await expect(db.getClient('main')).rejects.toBeInstanceOf(ManagerClosedError);
  expect(() => db.getClientSync('main')).toThrow(/disconnected; create a new one/);
});
