import { expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runCli } from '../cli.js';
import os from 'node:os';
import { installFakePrisma } from '../test-support/fake-prisma.js';
import { createProject, removeProject } from '../test-support/project.js';
import { baseEnv, runKusto } from '../test-support/spawn-cli.js';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ownVersion = (JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

test('version --json reports the installed versions of all four packages', async () => {
  const { out, io } = capture();
  expect(await runCli(['version', '--json'], { io, cwd: packageDir })).toBe(0);
  const versions = JSON.parse(out.join('')) as Record<string, string | null>;
  expect(versions['@kusto/db-cli']).toBe(ownVersion);
  expect(versions['@kusto/db']).toMatch(/^\d+\.\d+\.\d+/);
  expect(versions['prisma']).toMatch(/^7\./);
  expect(versions['@prisma/client']).toMatch(/^7\./);
});

test('an unknown command is a usage error with exit code 1', async () => {
  const { err, io } = capture();
  expect(await runCli(['frobnicate'], { io })).toBe(1);
  expect(err.join('\n')).toMatch(/Unknown argument: frobnicate/);
});

test('the installed bin runs as a child process', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(packageDir, 'bin/kusto-db.js'), 'version'], {
    cwd: packageDir,
  });
  expect(stdout).toMatch(new RegExp(`@kusto/db-cli\\s+${ownVersion.replaceAll('.', '\\.')}`));
  expect(stdout).toMatch(/prisma\s+7\./);
});

test('version --cwd <app> reports the app\'s own prisma, run from elsewhere (as a global install is)', async () => {
  const app = await createProject('version-cwd', {});
  try {
    await installFakePrisma(app); // node_modules/prisma at 7.0.0-fake
    const run = await runKusto(os.tmpdir(), ['version', '--cwd', app, '--json'], baseEnv());
    expect(run.exitCode).toBe(0);
    expect((JSON.parse(run.stdout) as Record<string, string | null>)['prisma']).toBe('7.0.0-fake');
  } finally {
    await removeProject(app);
  }
});
