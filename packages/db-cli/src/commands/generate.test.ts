import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { typecheckUsage, type TypecheckResult } from '@kusto/test-servers/prisma-fixtures';
import { runCli } from '../cli.js';
import { capture, createProject, EVENT_MODELS, removeProject, REPLICA_MODELS, schemaFor, USER_MODELS } from '../test-support/project.js';

// Real `prisma generate` and `prisma validate`, offline: the environment below has no
// PRISMA_SCHEMA_ENGINE_BINARY, so this also proves the CLI keeps Prisma from downloading an
// engine these commands do not use.

const require = createRequire(import.meta.url);
const kustoDbTypes = path.join(path.dirname(require.resolve('@kusto/db')), 'index.d.ts');
const DATABASES = ['analyticsEvents', 'read-replica', 'user'];

let project: string;
const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  RDS_USER_URL: 'postgresql://app:secret@localhost:5432/user',
  RDS_ANALYTICS_EVENTS_URL: 'postgresql://app:secret@localhost:5432/events',
  RDS_READ_REPLICA_URL: 'postgresql://app:secret@localhost:5432/replica',
};

function typecheck(source: string): Promise<TypecheckResult> {
  return typecheckUsage(project, source, kustoDbTypes);
}

beforeAll(async () => {
  project = await createProject('generate', {
    user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS) },
    analyticsEvents: { 'schema.prisma': schemaFor('postgresql', EVENT_MODELS) },
    'read-replica': { 'schema.prisma': schemaFor('postgresql', REPLICA_MODELS) },
  });
});
afterAll(() => removeProject(project));

test('generate -a generates every client in parallel and writes the typed database map', async () => {
  const { io, out } = capture();
  expect(await runCli(['generate', '-a'], { cwd: project, env, io })).toBe(0);
  for (const name of DATABASES) {
    expect(out.join('\n')).toMatch(new RegExp(`✔ ${name} generate ok \\(\\d`));
    expect(fs.existsSync(path.join(project, 'src/app/db', name, 'client', 'index.d.ts'))).toBe(true);
  }
  expect(out.join('\n')).toMatch(/Wrote src\/kusto-databases\.d\.ts \(analyticsEvents, read-replica, user\)/);
}, 60_000);

test('the generated clients load', () => {
  for (const name of DATABASES) {
    const client = require(path.join(project, 'src/app/db', name, 'client', 'index.js')) as { PrismaClient?: unknown };
    expect(typeof client.PrismaClient).toBe('function');
  }
});

test('prisma validate and the kusto-db rules pass on these schemas', async () => {
  const { io, out } = capture();
  expect(await runCli(['validate'], { cwd: project, env, io })).toBe(0);
  expect(out.filter((line) => /validate ok/.test(line))).toHaveLength(3);
}, 60_000);

test('with the map, getClient is typed per database (camelCase and dashed names) and compiles', async () => {
  const result = await typecheck(`import { createKustoDb } from '@kusto/db';
const db = createKustoDb();
export async function run(): Promise<number> {
  const users = await db.getClient('user');
  const events = await db.getClient('analyticsEvents');
  const replica = db.getClientSync('read-replica');
  const found: { email: string } | null = await users.user.findUnique({ where: { id: 1 } });
  void found;
  return (await events.event.count()) + (await replica.note.count());
}
`);
  expect(result).toEqual({ code: 0, output: '' });
}, 60_000);

test('a misspelled database name does not compile', async () => {
  const result = await typecheck(`import { createKustoDb } from '@kusto/db';
export const client = createKustoDb().getClient('analyticEvents');
`);
  expect(result.code).not.toBe(0);
  expect(result.output).toMatch(/src\/usage\.ts.*error TS2345: Argument of type '"analyticEvents"'/);
}, 60_000);

test('validate reports a Prisma schema error for that database only and exits 1', async () => {
  const broken = await createProject('validate-broken', {
    user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS) },
    'read-replica': { 'schema.prisma': schemaFor('postgresql', 'model Note {\n  id Int @id\n  body Strin\n}') },
  });
  try {
    const { io, out } = capture();
    expect(await runCli(['validate'], { cwd: broken, env, io })).toBe(1);
    const text = out.join('\n');
    expect(text).toMatch(/✖ read-replica validate failed .*prisma validate exited with 1/);
    expect(text).toMatch(/Strin/);
    // Not a terminal (captured): Prisma's colour codes are stripped.
    expect(text).not.toContain('\u001b[');
    expect(text).toMatch(/✔ user validate ok/);
  } finally {
    await removeProject(broken);
  }
}, 60_000);

test('validate with an unset URL variable names the env file it read and how to skip the rule, as other commands do', async () => {
  const { RDS_USER_URL: _unset, ...withoutUser } = env;
  const noEnvFile = capture();
  expect(await runCli(['validate', '-d', 'user'], { cwd: project, env: withoutUser, io: noEnvFile.io })).toBe(1);
  expect(noEnvFile.out.join('\n')).toContain(
    `✖ RDS_USER_URL is not set. Not set (or empty) in the environment, and there is no ${path.join(project, '.env')} to read it from (or pass --env-file <path>). Pass --no-env to validate without it.`,
  );
  fs.writeFileSync(path.join(project, '.env'), 'OTHER=1\n');
  try {
    const withEnvFile = capture();
    expect(await runCli(['validate', '-d', 'user'], { cwd: project, env: withoutUser, io: withEnvFile.io })).toBe(1);
    expect(withEnvFile.out.join('\n')).toContain(`nor in ${path.join(project, '.env')}, which was read (add RDS_USER_URL=… there). Pass --no-env`);
    expect(await runCli(['validate', '-d', 'user', '--no-env'], { cwd: project, env: withoutUser, io: capture().io })).toBe(0);
  } finally {
    fs.rmSync(path.join(project, '.env'));
  }
}, 60_000);
