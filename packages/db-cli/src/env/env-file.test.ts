import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createProject, removeProject, schemaFor, USER_MODELS } from '../test-support/project.js';
import { baseEnv, runKusto } from '../test-support/spawn-cli.js';
import { loadEnvFile } from './env-file.js';

// The project's .env (or --env-file) as a user meets it: the real CLI in a child process.

let project: string;
let bare: string;

beforeAll(async () => {
  project = await createProject('env-file', { user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS) } });
  await fs.writeFile(
    path.join(project, '.env'),
    '# database URLs\nRDS_USER_URL="postgresql://app:fromdotenv@dotenv-host:5432/user"\nRDS_USER_DIRECT_URL=\nUNRELATED=1\n',
  );
  await fs.mkdir(path.join(project, 'config'));
  await fs.writeFile(path.join(project, 'config', 'staging.env'), 'RDS_USER_URL=postgresql://app:fromstaging@staging-host:5432/user\n');
  bare = await createProject('env-file-none', { user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS) } });
});
afterAll(async () => {
  await removeProject(project);
  await removeProject(bare);
});

test('list reads the URL from the project .env and says which file it loaded', async () => {
  const run = await runKusto(project, ['list'], baseEnv());
  expect(run.exitCode).toBe(0);
  expect(run.stdout).toMatch(/RDS_USER_URL \(set\)\s+postgresql:\/\/dotenv-host:5432\/user/);
  expect(run.stdout).toContain('env file: .env loaded (3 variables set)');
  expect(run.text).not.toContain('fromdotenv');
});

test('a variable already set is never overridden by .env', async () => {
  const run = await runKusto(project, ['list', '--json'], baseEnv({ RDS_USER_URL: 'postgresql://app:x@from-shell:5432/user' }));
  const report = JSON.parse(run.stdout) as { databases: { target: string }[]; envFile: { kept: string[]; applied: string[] } };
  expect(report.databases[0]!.target).toBe('postgresql://from-shell:5432/user');
  expect(report.envFile.kept).toEqual(['RDS_USER_URL']);
  expect(report.envFile.applied).toEqual(['RDS_USER_DIRECT_URL', 'UNRELATED']);
});

test('--env-file reads another file, relative to the current directory (as node --env-file does)', async () => {
  const run = await runKusto(path.join(project, 'config'), ['list', '--cwd', '..', '--env-file', 'staging.env'], baseEnv());
  expect(run.stdout).toMatch(/staging-host:5432\/user/);
  expect(run.stdout).toContain('env file: config/staging.env loaded (1 variable set)');
});

test('--env-file naming a file that does not exist is a one-line error', async () => {
  // Node itself (20.x to 26.x) checks an `--env-file` argument even after the script name and
  // exits 9 before kusto-db starts (nodejs/node#54232); kusto-db's own check says the same in-process.
  const run = await runKusto(project, ['list', '--env-file', 'nope.env'], baseEnv());
  expect(run.exitCode).not.toBe(0);
  expect(run.stderr.trim()).toMatch(/^(\S*node: nope\.env: not found|kusto-db: Cannot read the env file .*nope\.env \(ENOENT\)\.)$/);
  expect(() => loadEnvFile({ projectDir: project, envFile: 'nope.env', env: {} })).toThrow(
    `Cannot read the env file ${path.join(project, 'nope.env')} (ENOENT).`,
  );
});

test('debug says which env file was loaded', async () => {
  const run = await runKusto(project, ['debug'], baseEnv());
  expect(run.stdout).toMatch(/^env file \.env loaded \(3 variables set\)$/m);
  const none = await runKusto(bare, ['debug'], baseEnv());
  expect(none.stdout).toMatch(/^env file no \.env in .*env-file-none-\w+ \(none loaded; --env-file <path> reads another file\)$/m);
});

test('a missing variable names the env file that was read, or the one that was not there', async () => {
  await fs.writeFile(path.join(project, 'config', 'empty.env'), 'OTHER=1\n');
  const read = await runKusto(project, ['migrate', '-t', 'status', '-d', 'user', '--env-file', 'config/empty.env'], baseEnv());
  expect(read.exitCode).toBe(1);
  expect(read.stderr).toContain('set the environment variable RDS_USER_URL');
  expect(read.stderr).toContain(`Not set (or empty) in the environment, nor in ${path.join(project, 'config', 'empty.env')}, which was read (add RDS_USER_URL=… there).`);
  const absent = await runKusto(bare, ['migrate', '-t', 'status', '-d', 'user'], baseEnv());
  expect(absent.exitCode).toBe(1);
  expect(absent.stderr).toContain(`Not set (or empty) in the environment, and there is no ${path.join(bare, '.env')} to read it from (or pass --env-file <path>).`);
});

test('loadEnvFile keeps a variable set to the empty string, and returns a new object', () => {
  const env = { RDS_USER_URL: '' };
  const { env: merged, source } = loadEnvFile({ projectDir: project, env });
  expect(merged.RDS_USER_URL).toBe('');
  expect(merged.UNRELATED).toBe('1');
  expect(env).toEqual({ RDS_USER_URL: '' });
  expect(source.kept).toEqual(['RDS_USER_URL']);
});
