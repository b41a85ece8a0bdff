// RSS of fresh processes after gc: Node alone, one bare PrismaClient (one query), the manager with
// one database used, the manager with four used. Modes run interleaved per round (rotated order).
// Reported: RSS per database with four used, (kusto4 − empty) / 4, against the bare client's
// (bare − empty); and the marginal cost of each database past the first, (kusto4 − kusto1) / 3.
import path from 'node:path';
import { BENCH_DIR, databaseEnv } from '../lib/setup.mjs';
import { timedRun } from '../lib/processes.mjs';
import { summarize } from '../lib/stats.mjs';

export const name = 'memory';
export const title = 'memory (RSS) with 4 databases used';

const MB = 1024 * 1024;

export async function run({ projects, urls, quick }) {
  const env = databaseEnv(urls);
  const measure = async (mode) => {
    const result = await timedRun(process.execPath, ['--expose-gc', path.join(BENCH_DIR, 'lib', 'memory-child.mjs'), mode, projects.four], { cwd: BENCH_DIR, env, timeoutMs: 60_000 });
    if (result.code !== 0) throw new Error(`memory child ${mode} failed (${result.code}): ${result.out.slice(-500)}`);
    return JSON.parse(result.out).rss / MB;
  };
  const modes = ['empty', 'bare', 'kusto1', 'kusto4'];
  const rss = Object.fromEntries(modes.map((mode) => [mode, []]));
  const rounds = quick ? 1 : 6;
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < modes.length; k++) {
      const mode = modes[(round + k) % modes.length];
      rss[mode].push(await measure(mode));
    }
  }
  const perDb = summarize(rss.kusto4.map((mb, i) => (mb - rss.empty[i]) / 4));
  const bare = summarize(rss.bare.map((mb, i) => mb - rss.empty[i]));
  const marginal = summarize(rss.kusto4.map((mb, i) => (mb - rss.kusto1[i]) / 3));
  const ratio = summarize(rss.kusto4.map((mb, i) => (mb - rss.empty[i]) / 4 / (rss.bare[i] - rss.empty[i])));
  const m = (s) => `${s.median.toFixed(1)} MB`;
  return [
    {
      figure: 'RSS per database, 4 used ((kusto4 − node) / 4)',
      baseline: `bare PrismaClient ${m(bare)} over node (${m(summarize(rss.empty))}); ratio ${ratio.median.toFixed(2)}×`,
      value: perDb.median,
      unit: 'MB',
      spread: [perDb.min, perDb.max],
      target: 'report',
      pass: null,
      detail: { rounds, rssMb: Object.fromEntries(modes.map((mode) => [mode, summarize(rss[mode])])), perDatabaseMb: perDb, bareOverNodeMb: bare, ratio },
    },
    {
      figure: 'RSS of each database past the first ((kusto4 − kusto1) / 3)',
      baseline: `kusto1 ${m(summarize(rss.kusto1))}, kusto4 ${m(summarize(rss.kusto4))}`,
      value: marginal.median,
      unit: 'MB',
      spread: [marginal.min, marginal.max],
      target: 'report',
      pass: null,
    },
  ];
}
