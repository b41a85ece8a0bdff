import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { installFakePrisma, readFakePrismaCalls } from '../test-support/fake-prisma.js';
import { createProject, packageDir, removeProject, schemaFor, USER_MODELS } from '../test-support/project.js';

// In a child process, as a user would see it: Ctrl+C while Prisma runs.

let project: string;
let log: string;

beforeAll(async () => {
  project = await createProject('signals', { user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS) } });
  log = await installFakePrisma(project);
});
afterAll(() => removeProject(project));

async function until<T>(probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

test('SIGINT while Prisma runs: Prisma is stopped, the synthesised config is removed, exit code 130', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(packageDir, 'src/test-support/scenarios/prisma-interrupted.ts'), project], {
    cwd: packageDir,
    env: { ...process.env, FAKE_PRISMA_LOG: log, FAKE_PRISMA_SLEEP_MS: '60000', RDS_USER_URL: 'postgresql://u:p@h/user' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const call = await until(() => readFakePrismaCalls(log)[0]);
  expect(call.config).toContain('process.env["RDS_USER_URL"]');
  expect(fs.existsSync(call.configPath!)).toBe(true);
  child.kill('SIGINT');
  expect(await exited).toBe(130);
  expect(fs.existsSync(path.dirname(call.configPath!))).toBe(false);
  expect(stderr).not.toMatch(/\n\s+at /);
}, 30_000);
