import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
import { tableNames, THREE_MIGRATIONS } from '@kusto/test-servers/migration-fixtures';
import { packageDir, removeProject } from '../../test-support/project.js';
import { createRunnerProject } from '../../test-support/runner-cli.js';

// In a child process, as a user would see it: Ctrl+C (a real SIGINT) during deploy's countdown.

let project: string;
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('cli_deploy_sigint');
  project = await createRunnerProject('deploy-sigint', { user: { migrations: THREE_MIGRATIONS } });
});
afterAll(async () => {
  await database.drop();
  await removeProject(project);
});

test('SIGINT during the countdown: exit code 130, "nothing was changed", no table created', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(packageDir, 'src/test-support/scenarios/deploy-countdown.ts'), project], {
    cwd: packageDir,
    env: { ...process.env, RDS_USER_URL: database.url, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const counting = new Promise<void>((resolve) =>
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.includes('  10…')) resolve();
    }),
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await counting;
  child.kill('SIGINT');
  expect(await exited).toBe(130);
  expect(stderr).toContain('migrate -t deploy to "user" starts in 10 s. Press Ctrl+C to abort.');
  expect(stderr).toContain('Aborted: nothing was changed.');
  expect(stdout).toBe('');
  expect(await tableNames(database.url)).toEqual([]);
}, 30_000);
