#!/usr/bin/env node
// Entry point of the README's commands (`npm run demo`, `npm test`): works on a fresh machine
// with only Node and npm. Installs the pinned pnpm when missing, installs the workspace when
// needed, then runs the task. Plain Node on purpose: nothing is installed yet when it starts.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTestSummary, readTestSummary } from './test-summary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const pnpmVersion = manifest.packageManager.split('@')[1];

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function ensurePnpm() {
  const probe = spawnSync('pnpm', ['--version'], { cwd: root, encoding: 'utf8' });
  if (probe.status === 0) return;
  console.log(`pnpm not found: installing pnpm@${pnpmVersion} with npm`);
  if (run('npm', ['install', '--global', `pnpm@${pnpmVersion}`]) !== 0) {
    console.error(`Could not install pnpm. Install it yourself (npm i -g pnpm@${pnpmVersion}) and run this again.`);
    process.exit(1);
  }
}

function ensureInstalled() {
  const marker = path.join(root, 'node_modules', '.modules.yaml');
  const lockfile = path.join(root, 'pnpm-lock.yaml');
  const fresh = fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= fs.statSync(lockfile).mtimeMs;
  if (fresh) return;
  if (run('pnpm', ['install', '--frozen-lockfile']) !== 0) process.exit(1);
}

function printTestSummary() {
  console.log(formatTestSummary(readTestSummary(path.join(root, '.test-results'))));
}

function runTests(turboTasks) {
  fs.rmSync(path.join(root, '.test-results'), { recursive: true, force: true });
  const status = run('pnpm', ['exec', 'turbo', 'run', ...turboTasks, '--output-logs=new-only', '--log-order=grouped', '--concurrency=2', '--continue', ...process.argv.slice(3)]);
  printTestSummary();
  return status;
}

const tasks = {
  test: () => runTests(['typecheck', 'lint', 'test']),
  // The `*.test.ts` files alone: no server starts (jest.unit.config.js).
  'test:unit': () => runTests(['test:unit']),
  demo() {
    const built = run('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@kusto/demo...', '--output-logs=errors-only']);
    if (built !== 0) return built;
    // Node directly (not through pnpm), so Ctrl+C reaches the demo alone and it exits 0 by itself.
    return run(process.execPath, ['dist/main.js', ...process.argv.slice(3)], { cwd: path.join(root, 'apps', 'demo') });
  },
  bench() {
    const built = run('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@kusto/bench...', '--output-logs=errors-only']);
    if (built !== 0) return built;
    return run('pnpm', ['--dir', 'bench', 'run', 'bench', ...process.argv.slice(3)]);
  },
};

const task = tasks[process.argv[2]];
if (!task) {
  console.error(`usage: node scripts/run.mjs <${Object.keys(tasks).join('|')}> [args…]`);
  process.exit(2);
}
ensurePnpm();
ensureInstalled();
process.exit(task());
