#!/usr/bin/env node
// Entry point of `pnpm bench`: runs every benchmark (or `--only a,b`) against one real Postgres,
// prints a table and writes results/latest.json (and results/latest-full.json for a full run).
//   node --expose-gc run.mjs [--quick] [--only <name>[,<name>…]] [--list]
// A benchmark that misses its target is reported as MISS; the exit code is non-zero only when a
// benchmark crashed (this is a report, not a gate).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_DIR, setUp } from './lib/setup.mjs';
import { renderTable } from './lib/table.mjs';

// Order: in-process micro benchmarks first, then processes, then the fault benchmarks that stop
// Postgres or blackhole it, so a fault cannot leak into a quiet measurement.
const ORDER = ['get-client', 'query', 'health-check', 'http', 'profile', 'cold-start', 'bundle', 'cli', 'memory', 'generate', 'pooler', 'blackhole', 'recovery', 'connections', 'providers', 'silent-socket', 'silent-socket-mysql', 'long-outage', 'long-outage-mysql'];

function parseArgs(argv) {
  const args = { quick: false, only: undefined, list: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') args.quick = true;
    else if (arg === '--list') args.list = true;
    else if (arg === '--only') args.only = argv[++i];
    else if (arg.startsWith('--only=')) args.only = arg.slice('--only='.length);
    else if (arg === '--') continue;
    else throw new Error(`unknown argument ${arg} (use --quick, --only <name>, --list)`);
  }
  if (args.only !== undefined) {
    const names = args.only.split(',').map((name) => name.trim()).filter(Boolean);
    const unknown = names.filter((name) => !ORDER.includes(name));
    if (names.length === 0 || unknown.length) throw new Error(`--only: unknown benchmark ${unknown.join(', ') || '(none)'}; known: ${ORDER.join(', ')}`);
    args.only = names;
  }
  return args;
}

function packageVersion(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(BENCH_DIR, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

function gitRevision() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: BENCH_DIR, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', '../packages'], { cwd: BENCH_DIR, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} (packages/ has uncommitted changes)` : head;
  } catch {
    return undefined;
  }
}

function machine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model,
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverageAtStart: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

const log = (line) => process.stderr.write(`${line}\n`);

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.list) {
    for (const name of ORDER) console.log(name);
    return 0;
  }
  if (typeof globalThis.gc !== 'function') log('note: run with node --expose-gc (pnpm bench does) so rounds start from a collected heap');
  const mode = args.quick ? 'quick' : 'full';
  const selected = args.only ?? ORDER;
  const started = Date.now();
  const info = machine();
  log(`kusto bench, ${mode} mode: ${selected.join(', ')}`);
  log(`${info.cpuModel}, ${info.cores} cores, ${info.memoryGiB} GiB, Node ${info.node}, load average ${info.loadAverageAtStart.join(' ')}`);

  const env = await setUp(log);
  const rows = [];
  const benchmarks = {};
  let crashed = false;
  try {
    for (const name of selected) {
      const module = await import(`./benchmarks/${name}.mjs`);
      const t0 = performance.now();
      // Skipped, with the reason in the table: left out by --quick (`quickSkip`), or something it
      // needs is missing on this machine (`skipReason()` resolves with why, e.g. no PgBouncer).
      let skipped;
      if (args.quick && module.quickSkip && !args.only) {
        skipped = module.quickSkip;
        log(`▷ ${name}: skipped in --quick (${skipped}); run it with --only ${name}`);
      } else if ((skipped = await module.skipReason?.())) {
        log(`▷ ${name}: skipped (${skipped})`);
      }
      if (skipped) {
        rows.push({ benchmark: name, figure: module.title, baseline: '', value: Number.NaN, unit: '', target: '', pass: null, skipped: true, error: skipped });
        benchmarks[name] = { title: module.title, skipped };
        continue;
      }
      log(`▶ ${name}: ${module.title}`);
      try {
        const result = await module.run({ ...env, quick: args.quick, log });
        for (const row of result) rows.push({ benchmark: name, ...row });
        benchmarks[name] = { title: module.title, seconds: Math.round((performance.now() - t0) / 100) / 10, rows: result };
      } catch (error) {
        crashed = true;
        log(`✖ ${name} crashed: ${error?.stack ?? error}`);
        rows.push({ benchmark: name, figure: 'CRASHED', baseline: '', value: Number.NaN, unit: '', target: '', pass: false, crashed: true, error: String(error?.message ?? error) });
        benchmarks[name] = { title: module.title, crashed: true, error: String(error?.stack ?? error) };
      }
      log(`  ${name} took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      if (!env.server.running) await env.server.start(); // a fault benchmark that crashed mid-outage
    }
  } finally {
    await env.server.close();
  }

  const table = renderTable(rows);
  console.log(table);
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`\n${mode} run, ${seconds} s; ${rows.filter((r) => r.pass === true).length} PASS, ${rows.filter((r) => r.pass === false && !r.crashed).length} MISS, ${rows.filter((r) => r.crashed).length} crashed, ${rows.filter((r) => r.skipped).length} skipped`);

  const report = {
    date: new Date(started).toISOString(),
    mode,
    only: args.only ?? null,
    durationSeconds: seconds,
    machine: { ...info, loadAverageAtEnd: os.loadavg().map((n) => Math.round(n * 100) / 100) },
    postgres: { backend: env.server.backend },
    versions: {
      git: gitRevision(),
      ...Object.fromEntries(
        ['@kusto/db', '@kusto/express-db', '@kusto/db-cli', '@kusto/test-servers', 'prisma', '@prisma/client', '@prisma/adapter-pg', '@prisma/adapter-mariadb', 'pg', 'express', 'autocannon', 'tinybench'].map((name) => [name, packageVersion(name)]),
      ),
    },
    summary: rows.map(({ detail: _detail, ...row }) => ({ ...row, result: row.crashed ? 'CRASH' : row.skipped ? 'SKIP' : row.pass === null ? 'INFO' : row.pass ? 'PASS' : 'MISS' })),
    benchmarks,
    table,
  };
  const dir = path.join(BENCH_DIR, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(report, (key, value) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value), 2)}\n`;
  fs.writeFileSync(path.join(dir, 'latest.json'), json);
  if (mode === 'full' && !args.only) fs.writeFileSync(path.join(dir, 'latest-full.json'), json);
  log(`wrote ${path.relative(process.cwd(), path.join(dir, 'latest.json'))}`);
  return crashed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    log(error?.stack ?? String(error));
    process.exit(2);
  },
);
