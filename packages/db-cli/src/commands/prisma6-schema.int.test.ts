import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import type { TestDatabase } from '@kusto/test-servers/testing';
import { freshDatabases, prismaRows, tableNames, THREE_MIGRATIONS } from '@kusto/test-servers/migration-fixtures';
import { removeProject, schemaFor, USER_MODELS } from '../test-support/project.js';
import { createRunnerProject, kusto } from '../test-support/runner-cli.js';

// The README's promise: the commands that change a database refuse a Prisma 6 style schema
// (`url = env("X")` in the datasource) until `kusto-db upgrade-schema` moved it out, as push,
// pull and migrate -t dev/reset always did. Against a real Postgres: nothing changes.

const PRISMA6_SCHEMA = schemaFor('postgresql', USER_MODELS, '\n  url      = env("RDS_USER_URL")');
const freshDatabase = freshDatabases();
let project: string;
let database: TestDatabase;
const applied = Object.keys(THREE_MIGRATIONS);

beforeAll(async () => {
  database = await freshDatabase('cli_prisma6_schema');
  project = await createRunnerProject('prisma6', { user: { migrations: THREE_MIGRATIONS } });
});
afterAll(() => removeProject(project));

const schemaPath = () => path.join(project, 'src', 'app', 'db', 'user', 'schema.prisma');
const run = (argv: readonly string[]) => kusto(project, argv, { env: { RDS_USER_URL: database.url } });

function expectRefused(result: Awaited<ReturnType<typeof run>>, command: string): void {
  expect(result.exitCode).toBe(1);
  expect(result.err.join('\n')).toContain(`kusto-db ${command} changes the database, and refuses a schema Prisma 7 rejects until it is upgraded:`);
  expect(result.err.join('\n')).toMatch(/schema\.prisma \(database "user"\): the datasource has a url, which Prisma 7 rejects: move it to prisma\.config\.ts: kusto-db upgrade-schema -d user\nNothing was run\./);
  expect(result.asked).toEqual([]);
  expect(result.sleeps).toEqual([]);
}

describe('a Prisma 6 style schema', () => {
  test('migrate -t deploy refuses it before the countdown, with the fix; nothing is applied', async () => {
    fs.writeFileSync(schemaPath(), PRISMA6_SCHEMA);
    expectRefused(await run(['migrate', '-t', 'deploy', '-d', 'user']), 'migrate -t deploy');
    expectRefused(await run(['migrate', '-t', 'deploy']), 'migrate -t deploy');
    expect(await tableNames(database.url)).toEqual([]);
  });

  test('after upgrade-schema the same deploy runs', async () => {
    const upgrade = await run(['upgrade-schema', '-d', 'user']);
    expect(upgrade.exitCode).toBe(0);
    const deploy = await run(['migrate', '-t', 'deploy', '-d', 'user', '--wait', '0', '--force']);
    expect(deploy.exitCode).toBe(0);
    expect((await prismaRows(database.url)).map((row) => row.migration_name)).toEqual(applied);
  });

  test('rollback, migrate -t resolve, execute --write and seed refuse it too; nothing changes', async () => {
    fs.rmSync(path.join(project, 'src', 'app', 'db', 'user', 'prisma.config.ts'), { force: true });
    fs.writeFileSync(schemaPath(), PRISMA6_SCHEMA);
    expectRefused(await run(['rollback', '-d', 'user', '--force']), 'rollback');
    expectRefused(await run(['migrate', '-t', 'resolve', '-d', 'user', '--rolled-back', applied[0]!]), 'migrate -t resolve');
    expectRefused(await run(['execute', '-d', 'user', '--write', '--force', '-q', 'DROP TABLE "Post"']), 'execute --write');
    expectRefused(await run(['seed', '-d', 'user']), 'seed');
    expect((await prismaRows(database.url)).map((row) => row.migration_name)).toEqual(applied);
    expect(await tableNames(database.url)).toEqual(['Post', 'User', '_prisma_migrations']);
  });

  test('the read-only commands still run on it: status, execute, rollback --dry-run', async () => {
    expect((await run(['status', '-d', 'user'])).exitCode).toBe(0);
    expect((await run(['execute', '-d', 'user', '-q', 'SELECT 1 AS one'])).exitCode).toBe(0);
    expect((await run(['rollback', '-d', 'user', '--dry-run'])).exitCode).toBe(0);
  });
});
