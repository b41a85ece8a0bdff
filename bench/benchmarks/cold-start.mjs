// Cold start to first query: a fresh Node process imports @kusto/db, creates the manager and runs
// one findUnique, over a project with 10 database folders against the same project with 1 folder.
// Time is read inside the child from process start (performance.now()), so spawn jitter stays out.
// Pairs run interleaved (ABBA); the figure is the median of the per-pair ratios.
import path from 'node:path';
import { BENCH_DIR, databaseEnv } from '../lib/setup.mjs';
import { timedRun } from '../lib/processes.mjs';
import { interleave, summarize } from '../lib/stats.mjs';

export const name = 'cold-start';
export const title = 'cold start to first query, 10 database folders';

async function coldStart(project, env) {
  const { code, out } = await timedRun(process.execPath, [path.join(BENCH_DIR, 'lib', 'cold-child.mjs'), project], { cwd: BENCH_DIR, env, timeoutMs: 60_000 });
  if (code !== 0) throw new Error(`cold-start child failed (${code}): ${out.slice(-500)}`);
  return JSON.parse(out);
}

export async function run({ projects, urls, quick }) {
  const env = databaseEnv(urls);
  await coldStart(projects.ten, env); // warm the OS file cache for both projects
  await coldStart(projects.one, env);
  const rounds = quick ? 3 : 14;
  const { a, b } = await interleave(rounds, () => coldStart(projects.ten, env), () => coldStart(projects.one, env));
  if (a.some((r) => r.databases !== 10) || b.some((r) => r.databases !== 1)) throw new Error('fixture projects do not have 10 and 1 databases');
  const ratio = summarize(a.map((r, i) => r.firstQuery / b[i].firstQuery));
  const ten = summarize(a.map((r) => r.firstQuery));
  const one = summarize(b.map((r) => r.firstQuery));
  return [
    {
      figure: 'time to first query ratio 10 folders / 1 folder',
      baseline: `1 folder ${Math.round(one.median)} ms (10: ${Math.round(ten.median)} ms)`,
      value: ratio.median,
      unit: '×',
      spread: [ratio.min, ratio.max],
      target: '≤ 1.10',
      pass: ratio.median <= 1.1,
      detail: { rounds, tenMs: ten, oneMs: one, ratio },
    },
  ];
}
