#!/usr/bin/env node
// Runs a command of this workspace under another Node (22 or 24) without touching the machine's:
// that Node comes from the npm registry (the `node-<platform>-<arch>` package) into a private
// cache folder, and its bin goes first in PATH, so pnpm, turbo, Jest and every child they spawn
// use it. Native addons built with node-gyp (better-sqlite3) are tied to one Node ABI: each is
// compiled once per Node into the cache and swapped into node_modules for the run, then the
// machine Node's build is put back. Plain Node on purpose, like run.mjs.
//
//   node scripts/node-versions.mjs install 24          install (once) and verify; prints its bin dir
//   node scripts/node-versions.mjs run 24 -- npm test  run a command under Node 24
//   node scripts/node-versions.mjs restore             put the machine Node's addon builds back
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The exact versions CI tests, per major; bump them here (the README lists them). */
export const TESTED_NODE_VERSIONS = { 22: '22.23.5', 24: '24.22.3' };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cacheRoot = process.env.KUSTO_NODE_CACHE ?? path.join(os.homedir(), '.cache', 'kusto-node');
const savedSuffix = '.machine-node';
const lockFile = path.join(root, 'node_modules', '.kusto-node-versions.lock');

class UsageError extends Error {}

function fail(message) {
  console.error(`node-versions: ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function nodePackageName() {
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  return `node-${platform}-${process.arch}`;
}

function versionFor(major) {
  const version = TESTED_NODE_VERSIONS[major];
  if (!version) throw new UsageError(`no tested Node ${major}; choose one of ${Object.keys(TESTED_NODE_VERSIONS).join(', ')}`);
  return version;
}

/** Installs Node `version` into the cache (once) and checks that it runs and is that version. */
function installNode(version) {
  const prefix = path.join(cacheRoot, version);
  const packageDir = path.join(prefix, 'node_modules', nodePackageName());
  const binDir = path.join(packageDir, 'bin');
  const node = path.join(binDir, process.platform === 'win32' ? 'node.exe' : 'node');
  if (!fs.existsSync(node)) {
    console.log(`node-versions: installing Node ${version} (${nodePackageName()}@${version}) into ${prefix}`);
    fs.mkdirSync(prefix, { recursive: true });
    const status = run('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', `${nodePackageName()}@${version}`]);
    if (status !== 0 || !fs.existsSync(node)) {
      fail(`could not install ${nodePackageName()}@${version} from the npm registry. Install Node ${version} yourself and put its bin first in PATH.`);
    }
  }
  const probe = spawnSync(node, ['-p', 'process.version'], { encoding: 'utf8' });
  const seen = probe.stdout?.trim();
  if (probe.status !== 0 || seen !== `v${version}`) {
    fail(`${node} should print v${version} and printed ${JSON.stringify(seen ?? probe.error?.message)}; delete ${prefix} and try again.`);
  }
  return { version, node, binDir, packageDir };
}

/** Every node-gyp addon of the workspace: pnpm keeps each package once under node_modules/.pnpm. */
function nativeAddons() {
  const store = path.join(root, 'node_modules', '.pnpm');
  if (!fs.existsSync(store)) fail('node_modules is missing: run pnpm install first.');
  const addons = [];
  for (const entry of fs.readdirSync(store)) {
    const name = /^(@[^+@]+\+[^@]+|[^@]+)@/.exec(entry)?.[1]?.replace('+', '/');
    if (!name) continue;
    const dir = path.join(store, entry, 'node_modules', name);
    const release = path.join(dir, 'build', 'Release');
    if (!fs.existsSync(path.join(dir, 'binding.gyp')) || !fs.existsSync(release)) continue;
    const files = fs.readdirSync(release).filter((file) => file.endsWith('.node') || file.endsWith(savedSuffix));
    addons.push({ entry, dir, release, files: [...new Set(files.map((file) => file.replace(savedSuffix, '')))] });
  }
  return addons;
}

function nodeGypScript() {
  const probe = spawnSync('npm', ['root', '--global'], { encoding: 'utf8' });
  const script = path.join(probe.stdout.trim(), 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!fs.existsSync(script)) fail(`node-gyp was not found beside npm (${script}).`);
  return script;
}

/** Compiles `addon` for `target` in a copy of its sources (once per Node version); returns the folder of its `.node` files. */
function addonBuild(addon, target) {
  const cached = path.join(cacheRoot, target.version, 'addons', addon.entry);
  const built = path.join(cached, 'build', 'Release');
  if (fs.existsSync(path.join(cached, '.complete'))) return built;
  console.log(`node-versions: compiling ${addon.entry} for Node ${target.version} (once; about a minute)`);
  fs.rmSync(cached, { recursive: true, force: true });
  fs.cpSync(addon.dir, cached, {
    recursive: true,
    filter: (source) => !['build', 'node_modules'].includes(path.relative(addon.dir, source).split(path.sep)[0]),
  });
  // --nodedir: the package ships the headers, so node-gyp needs no download.
  const status = run(target.node, [nodeGypScript(), 'rebuild', '--release', `--nodedir=${target.packageDir}`], {
    cwd: cached,
    env: { ...process.env, PATH: `${target.binDir}${path.delimiter}${process.env.PATH}` },
  });
  if (status !== 0) fail(`compiling ${addon.entry} for Node ${target.version} failed (output above).`);
  fs.writeFileSync(path.join(cached, '.complete'), '');
  return built;
}

// Only renames inside node_modules: pnpm hard-links files from its store, so writing into an
// existing file would change every project's copy.
function swapIn(addon, built) {
  for (const file of addon.files) {
    const live = path.join(addon.release, file);
    const saved = live + savedSuffix;
    const replacement = path.join(built, file);
    if (!fs.existsSync(replacement)) continue;
    if (!fs.existsSync(saved)) fs.renameSync(live, saved);
    const incoming = `${live}.incoming`;
    fs.copyFileSync(replacement, incoming);
    fs.renameSync(incoming, live);
  }
}

function restore() {
  for (const addon of nativeAddons()) {
    for (const file of addon.files) {
      const live = path.join(addon.release, file);
      if (fs.existsSync(live + savedSuffix)) fs.renameSync(live + savedSuffix, live);
    }
  }
}

function takeLock() {
  try {
    fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
  } catch {
    const holder = Number(fs.readFileSync(lockFile, 'utf8'));
    let alive = true;
    try {
      process.kill(holder, 0);
    } catch {
      alive = false;
    }
    if (alive) fail(`another run under another Node (pid ${holder}) uses this checkout; wait for it to finish.`);
    fs.writeFileSync(lockFile, String(process.pid));
  }
}

function runUnder(major, command) {
  if (command.length === 0) throw new UsageError('name the command to run after --');
  const target = installNode(versionFor(major));
  takeLock();
  const cleanUp = () => {
    restore();
    fs.rmSync(lockFile, { force: true });
  };
  // The child gets the same signals (same process group); wait for it, then put things back.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => {});
  try {
    restore();
    for (const addon of nativeAddons()) swapIn(addon, addonBuild(addon, target));
    console.log(`node-versions: running under Node ${target.version}: ${command.join(' ')}`);
    const result = spawnSync(command[0], command.slice(1), {
      cwd: process.cwd(),
      stdio: 'inherit',
      env: { ...process.env, PATH: `${target.binDir}${path.delimiter}${process.env.PATH}` },
    });
    if (result.error) throw result.error;
    return result.status ?? 1;
  } finally {
    cleanUp();
  }
}

function main(argv) {
  const [verb, major, ...rest] = argv;
  switch (verb) {
    case 'install':
      console.log(installNode(versionFor(major)).binDir);
      return 0;
    case 'run':
      return runUnder(major, rest[0] === '--' ? rest.slice(1) : rest);
    case 'restore':
      restore();
      return 0;
    default:
      throw new UsageError('usage: node scripts/node-versions.mjs <install MAJOR | run MAJOR -- COMMAND… | restore>');
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) fail(error.message);
  throw error;
}
