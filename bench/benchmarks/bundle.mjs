// A function bundled by esbuild against the same app unbundled: cold start to the first answered
// invocation (a fresh process loads the handler and runs one query on Postgres), and the bundle's
// size. The handler is apps/functions' (its registry imports every client, adapter and driver):
// bundled, it runs alone in an empty folder; unbundled, it is the tsc output beside node_modules.
// Pairs run interleaved (ABBA); the figure is the median of the per-pair ratios.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { BENCH_DIR } from '../lib/setup.mjs';
import { bundleFunction } from '../../apps/functions/scripts/bundle.mjs';
import { timedRun } from '../lib/processes.mjs';
import { interleave, summarize } from '../lib/stats.mjs';

export const name = 'bundle';
export const title = 'a bundled function: cold start over the unbundled app, and its size';

const APP_DIR = path.resolve(BENCH_DIR, '..', 'apps', 'functions');

async function bundle(format) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kusto-bench-bundle-${format}-`));
  const outfile = path.join(dir, format === 'esm' ? 'handler.mjs' : 'handler.cjs');
  await bundleFunction({ entry: path.join(APP_DIR, 'src', 'handler.ts'), outfile, format });
  return outfile;
}

async function coldStart(file, env) {
  const { code, out } = await timedRun(process.execPath, [path.join(BENCH_DIR, 'lib', 'cold-handler-child.mjs'), file], { cwd: path.dirname(file), env, timeoutMs: 60_000 });
  if (code !== 0) throw new Error(`bundle child failed (${code}): ${out.slice(-500)}`);
  return JSON.parse(out).firstQuery;
}

export async function run({ server, quick }) {
  const url = await server.createDatabase('bundle_main');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE TABLE IF NOT EXISTS "Item" (id SERIAL PRIMARY KEY, name TEXT NOT NULL)');
  } finally {
    await client.end();
  }
  const env = { RDS_MAIN_URL: url };
  const bundled = await bundle('esm');
  const unbundled = path.join(APP_DIR, 'dist', 'handler.js');
  if (!fs.existsSync(unbundled)) throw new Error(`${unbundled} is missing: build apps/functions first (pnpm turbo run build --filter=@kusto/bench...)`);
  await coldStart(bundled, env); // warm the OS file cache for both
  await coldStart(unbundled, env);
  const rounds = quick ? 3 : 14;
  const { a, b } = await interleave(rounds, () => coldStart(bundled, env), () => coldStart(unbundled, env));
  const ratio = summarize(a.map((ms, i) => ms / b[i]));
  const bundledMs = summarize(a);
  const unbundledMs = summarize(b);
  const sizes = { esm: fs.statSync(bundled).size, cjs: fs.statSync(await bundle('cjs')).size };
  fs.rmSync(path.dirname(bundled), { recursive: true, force: true });
  return [
    {
      figure: 'cold start to first answered invocation, bundled / unbundled',
      baseline: `unbundled ${Math.round(unbundledMs.median)} ms (bundled ${Math.round(bundledMs.median)} ms)`,
      value: ratio.median,
      unit: '×',
      spread: [ratio.min, ratio.max],
      target: '≤ 1.0',
      pass: ratio.median <= 1.0,
      detail: { rounds, bundledMs, unbundledMs, ratio },
    },
    {
      figure: 'bundle size of the handler (three providers: clients, adapters, drivers), ESM',
      baseline: `CommonJS ${(sizes.cjs / 1024 / 1024).toFixed(1)} MB`,
      value: sizes.esm / 1024 / 1024,
      unit: 'MB',
      target: '',
      pass: null,
      detail: sizes,
    },
  ];
}
