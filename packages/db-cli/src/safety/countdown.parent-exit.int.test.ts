import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
import { tableNames, THREE_MIGRATIONS } from '@kusto/test-servers/migration-fixtures';
import { removeProject } from '../test-support/project.js';
import { createRunnerProject } from '../test-support/runner-cli.js';
import { baseEnv, cliArgv } from '../test-support/spawn-cli.js';

// `npx kusto-db migrate -t deploy` / `npm run deploy`: kusto-db runs under a wrapper process,
// sharing its terminal. The wrapper is killed during the countdown: kusto-db must abort as for
// Ctrl+C, not count on and deploy with no one watching.

let project: string;
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('cli_deploy_parent_exit');
  project = await createRunnerProject('deploy-parent-exit', { user: { migrations: THREE_MIGRATIONS } });
});
afterAll(async () => {
  await database.drop();
  await removeProject(project);
});

/** A stand-in for npm/npx: starts kusto-db with its own stdio, writes the child's pid to a file, waits. */
const WRAPPER = `
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const [pidFile, ...argv] = process.argv.slice(1);
const child = spawn(process.execPath, argv, { stdio: 'inherit' });
fs.writeFileSync(pidFile, String(child.pid));
child.on('exit', (code) => process.exit(code ?? 1));
`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('the wrapper is killed during the countdown: kusto-db aborts, nothing is deployed', async () => {
  const logFile = path.join(project, 'deploy.log');
  const pidFile = path.join(project, 'kusto.pid');
  const log = fs.openSync(logFile, 'w');
  const wrapper = spawn(process.execPath, ['-e', WRAPPER, pidFile, ...cliArgv(['migrate', '-t', 'deploy', '-d', 'user'])], {
    cwd: project,
    env: baseEnv({ RDS_USER_URL: database.url }),
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const wrapperGone = new Promise<void>((resolve) => wrapper.once('exit', () => resolve()));
  const read = () => fs.readFileSync(logFile, 'utf8');
  for (let i = 0; i < 300 && !read().includes('  10…'); i++) await sleep(100);
  expect(read()).toContain('migrate -t deploy to "user" starts in 10 s.');
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));

  wrapper.kill('SIGKILL');
  await wrapperGone;
  for (let i = 0; i < 300 && alive(pid); i++) await sleep(100); // bounded: 30 s
  expect(alive(pid)).toBe(false);
  expect(read()).toContain('Aborted (the terminal or the process that started kusto-db went away): nothing was changed.');
  expect(await tableNames(database.url)).toEqual([]);
}, 60_000);
