#!/usr/bin/env node
// `npm run install-cli` / `npm run uninstall-cli`: a global `kusto-db` from this checkout, as the
// packages will be published. Builds @kusto/db-cli and what it depends on, packs @kusto/db,
// @kusto/migrate and @kusto/db-cli (`pnpm pack` turns `workspace:` and `catalog:` into versions)
// and installs the three tarballs with `npm install --global`: npm's global folder needs no set-up
// (`pnpm link --global` needs `pnpm setup` first). Plain Node on purpose, like run.mjs.
//   node scripts/install-cli.mjs [--prefix <dir>] [--no-build] [--uninstall]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The packages a global kusto-db needs from this workspace, none of them on the npm registry yet. */
const PACKAGES = [
  ['@kusto/db', 'packages/db'],
  ['@kusto/migrate', 'packages/migrate'],
  ['@kusto/db-cli', 'packages/db-cli'],
];

function parseArgs(argv) {
  const args = { prefix: undefined, build: true, uninstall: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--prefix') args.prefix = argv[++i];
    else if (arg === '--no-build') args.build = false;
    else if (arg === '--uninstall') args.uninstall = true;
    else if (arg === '--') continue;
    else fail(`unknown argument ${arg} (use --prefix <dir>, --no-build, --uninstall)`);
  }
  if (args.prefix === '') fail('--prefix needs a folder');
  return args;
}

function fail(message) {
  console.error(`install-cli: ${message}`);
  process.exit(1);
}

/** Runs a command (never through a shell, except for Windows' .cmd shims) and stops on failure. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32', ...options });
  if (result.error) fail(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  return result;
}

function npmGlobalArgs(prefix) {
  return prefix === undefined ? ['--global'] : ['--global', '--prefix', path.resolve(prefix)];
}

/** The folder npm links global bins into, for `prefix` (or npm's own global prefix). */
function globalBinDir(prefix) {
  const resolved = prefix ?? run('npm', ['prefix', '--global'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' }).stdout.trim();
  return process.platform === 'win32' ? path.resolve(resolved) : path.join(path.resolve(resolved), 'bin');
}

const args = parseArgs(process.argv.slice(2));

if (args.uninstall) {
  run('npm', ['uninstall', ...npmGlobalArgs(args.prefix), ...PACKAGES.map(([name]) => name)]);
  console.log('kusto-db removed.');
  process.exit(0);
}

if (args.build) run('pnpm', ['turbo', 'run', 'build', '--filter=@kusto/db-cli...']);
const packs = fs.mkdtempSync(path.join(os.tmpdir(), 'kusto-db-cli-packs-'));
try {
  for (const [, dir] of PACKAGES) run('pnpm', ['pack', '--pack-destination', packs], { cwd: path.join(root, dir), stdio: ['ignore', 'ignore', 'inherit'] });
  const tarballs = fs.readdirSync(packs).filter((file) => file.endsWith('.tgz')).map((file) => path.join(packs, file));
  if (tarballs.length !== PACKAGES.length) fail(`expected ${PACKAGES.length} tarballs in ${packs}, found ${tarballs.length}`);
  run('npm', ['install', ...npmGlobalArgs(args.prefix), '--no-fund', '--no-audit', ...tarballs]);
} finally {
  fs.rmSync(packs, { recursive: true, force: true });
}

const binDir = globalBinDir(args.prefix);
console.log(`kusto-db installed: ${path.join(binDir, process.platform === 'win32' ? 'kusto-db.cmd' : 'kusto-db')}`);
const onPath = (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && path.resolve(dir) === binDir);
if (!onPath) console.log(`${binDir} is not on your PATH: add it (e.g. export PATH="${binDir}:$PATH") to run kusto-db by name.`);
console.log('It uses the drivers (pg, mariadb, better-sqlite3) and the prisma of the project it runs in, and its own pg otherwise.');
