import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The closing line of `npm test` (scripts/test-summary.mjs over what scripts/jest-summary-reporter.js
// wrote): a package whose Jest process is killed before it reports counts as failed, by name,
// instead of vanishing from the totals ("0 failed" on a run that failed).

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const jestBin = path.join(repositoryRoot, 'node_modules', 'jest', 'bin', 'jest.js');
const reporter = path.join(repositoryRoot, 'scripts', 'jest-summary-reporter.js');

interface Summary {
  totals: { passed: number; failed: number; skipped: number };
  failures: { file: string; test: string; message: string }[];
  died: string[];
}
const { readTestSummary, formatTestSummary } = (await import(pathToFileURL(path.join(repositoryRoot, 'scripts', 'test-summary.mjs')).href)) as {
  readTestSummary(dir: string): Summary;
  formatTestSummary(summary: Summary): string;
};

let work: string;
let resultsDir: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'kusto-summary-'));
  resultsDir = path.join(work, 'results');
});

afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

/** A package with one test file, run by a real Jest with our reporter; returns the running process. */
async function runJest(name: string, testSource: string) {
  const dir = path.join(work, name);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: `@fixture/${name}`, private: true }));
  await fs.writeFile(path.join(dir, 'one.test.cjs'), testSource);
  const config = { rootDir: dir, testEnvironment: 'node', testMatch: ['<rootDir>/*.test.cjs'], transform: {}, reporters: ['default', reporter] };
  const child = spawn(process.execPath, [jestBin, '--config', JSON.stringify(config), '--runInBand', '--ci'], {
    cwd: dir,
    env: { ...process.env, KUSTO_TEST_RESULTS_DIR: resultsDir },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { dir, child, exited };
}

async function waitForFile(file: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear within ${timeoutMs} ms`);
    await sleep(50);
  }
}

test('a Jest process killed during its run counts as failed, by name; one that finished counts its tests', async () => {
  const finished = await runJest('passes', "test('one', () => expect(1).toBe(1));\ntest.skip('two', () => {});\n");
  expect(await finished.exited).toBe(0);

  // The test says it is running (a file), then never ends: the process is killed mid-run.
  const killed = await runJest(
    'dies',
    "const fs = require('node:fs');\ntest('hangs', async () => { fs.writeFileSync(__dirname + '/running', ''); await new Promise(() => {}); });\n",
  );
  try {
    await waitForFile(path.join(killed.dir, 'running'));
  } finally {
    killed.child.kill('SIGKILL');
    await killed.exited;
  }

  const summary = readTestSummary(resultsDir);
  expect(summary.died).toEqual(['@fixture/dies']);
  expect(summary.totals).toEqual({ passed: 1, failed: 1, skipped: 1 });
  const closing = formatTestSummary(summary);
  expect(closing).toContain('failed: @fixture/dies › (the Jest process ended before reporting)');
  expect(closing.trim().split('\n').at(-1)).toBe('tests: 1 passed, 1 failed (a Jest process died: @fixture/dies), 1 skipped');
}, 120_000);
