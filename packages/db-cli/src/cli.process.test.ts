import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createProject, packageDir, removeProject, schemaFor, USER_MODELS } from './test-support/project.js';
import { baseEnv, runKusto, startKusto } from './test-support/spawn-cli.js';

// What every command-line tool does, checked on the real bin in a child process.

const ownVersion = (JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
let project: string;

beforeAll(async () => {
  project = await createProject('process', { user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS) } });
});
afterAll(() => removeProject(project));

test.each([['--version'], ['-v']])('kusto-db %s prints its own version and exits 0', async (flag) => {
  const run = await runKusto(project, [flag], baseEnv());
  expect(run.stderr).toBe('');
  expect(run.stdout).toBe(`${ownVersion}\n`);
  expect(run.exitCode).toBe(0);
});

test('kusto-db list into a pipe closed by its reader (| head) exits quietly: no EPIPE, no stack trace', async () => {
  const child = startKusto(project, ['list'], baseEnv({ RDS_USER_URL: 'postgresql://app:pw@127.0.0.1:1/user' }));
  // The reader is gone before the first line is written, as `head` is after reading what it wanted.
  child.stdout!.destroy();
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const exitCode = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(timer);
  expect(stderr).toBe('');
  expect(exitCode).toBe(0);
}, 70_000);
