import { afterAll, beforeAll, beforeEach, expect, test } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../../cli.js';
import { installFakePrisma, readFakePrismaCalls } from '../../test-support/fake-prisma.js';
import { stubPoolerProbe } from '../../test-support/pooler-probe.js';
import { capture, createProject, removeProject, schemaFor, USER_MODELS } from '../../test-support/project.js';
import { migrationFolders } from '../../targets/migration-folders.js';

let project: string;
let log: string;
const migrations = () => path.join(project, 'src/app/db/user/migrations');

async function dev(name: string, extraEnv: Record<string, string>) {
  const output = capture();
  const exitCode = await runCli(['migrate', '-t', 'dev', '-d', 'user', '-n', name], {
    cwd: project,
    env: { PATH: process.env.PATH, FAKE_PRISMA_LOG: log, RDS_USER_URL: 'postgresql://u:p@h/user', PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, ...extraEnv },
    io: output.io,
    poolerProbe: stubPoolerProbe(),
  });
  return { exitCode, ...output };
}

beforeAll(async () => {
  project = await createProject('migrate-dev', { user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS) } });
  log = await installFakePrisma(project);
});
afterAll(() => removeProject(project));
beforeEach(() => {
  fs.rmSync(log, { force: true });
  fs.rmSync(migrations(), { recursive: true, force: true });
});

test('writes down.sql into the new migration folder when Prisma produced the reverse diff', async () => {
  const { exitCode, out } = await dev('add users', { FAKE_PRISMA_DIFF_SQL: 'DROP TABLE "User";\n', FAKE_PRISMA_CREATE_MIGRATION: '20250102000000_add_users' });
  expect(exitCode).toBe(0);
  expect(fs.readFileSync(path.join(migrations(), '20250102000000_add_users', 'down.sql'), 'utf8')).toBe('DROP TABLE "User";\n');
  expect(out.join('\n')).toMatch(/Wrote src\/app\/db\/user\/migrations\/20250102000000_add_users\/down\.sql/);
});

test('says so, and writes no down.sql, when Prisma could not diff', async () => {
  const { exitCode, out } = await dev('add users', { FAKE_PRISMA_CREATE_MIGRATION: '20250102000000_add_users' });
  expect(exitCode).toBe(0);
  expect(fs.existsSync(path.join(migrations(), '20250102000000_add_users', 'down.sql'))).toBe(false);
  expect(out.join('\n')).toMatch(/No down\.sql for 20250102000000_add_users: Prisma could not diff/);
});

test('says no migration was created when migrate dev created none', async () => {
  const { exitCode, out } = await dev('nothing', { FAKE_PRISMA_DIFF_SQL: '-- empty\n' });
  expect(exitCode).toBe(0);
  expect(migrationFolders(migrations())).toEqual([]);
  expect(out.join('\n')).toMatch(/No new migration was created/);
});

test("a failing migrate dev returns Prisma's exit code and writes nothing", async () => {
  const { exitCode } = await dev('x', { FAKE_PRISMA_DIFF_SQL: 'DROP TABLE x;', FAKE_PRISMA_EXIT: '4' });
  expect(exitCode).toBe(4);
  expect(readFakePrismaCalls(log).map((call) => call.argv.slice(0, 2))).toEqual([
    ['migrate', 'diff'],
    ['migrate', 'dev'],
  ]);
  expect(fs.existsSync(migrations())).toBe(false);
});
