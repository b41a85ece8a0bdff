import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
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

test('after disconnectAll() the process exits by itself: no timer, socket or pool is left open', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', script('traditional', true), project, database.url],
    { timeout: 20_000 },
  );
  expect(stdout.trim()).toBe('closed');
});

test('in the serverless profile an idle process exits by itself even without disconnectAll()', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', script('serverless', false), project, database.url],
    { timeout: 20_000 },
  );
  expect(stdout.trim()).toBe('idle');
});

test('a disconnected manager refuses new work with a clear error', async () => {
  const db = createKustoDb({ cwd: project, env: { RDS_MAIN_URL: database.url } });
  await db.getClient('main');
  await db.disconnectAll();
  await expect(db.getClient('main')).rejects.toBeInstanceOf(ManagerClosedError);
  expect(() => db.getClientSync('main')).toThrow(/disconnected; create a new one/);
});
