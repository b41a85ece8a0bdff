// Wall time of `kusto-db list` and `kusto-db version` (spawned with Node, as the bin shim does)
// over `node -e ''` in the same round, in a project with four databases. Each round runs the three
// commands in a rotated order; the figure is the median of per-round differences.
import { KUSTO_DB_BIN, databaseEnv } from '../lib/setup.mjs';
import { timedRun } from '../lib/processes.mjs';
import { summarize } from '../lib/stats.mjs';

export const name = 'cli';
export const title = 'kusto-db list / version wall time';

export async function run({ projects, urls, quick }) {
  const env = { ...databaseEnv(urls), NO_COLOR: '1' };
  const commands = {
    baseline: [process.execPath, ['-e', '']],
    list: [process.execPath, [KUSTO_DB_BIN, 'list']],
    version: [process.execPath, [KUSTO_DB_BIN, 'version']],
  };
  const runOne = async (key) => {
    const [command, args] = commands[key];
    const result = await timedRun(command, args, { cwd: projects.four, env, timeoutMs: 30_000 });
    if (result.code !== 0) throw Object.assign(new Error(`${key} exited with ${result.code}: ${result.out.slice(-400)}`), { result });
    return result.ms;
  };
  const keys = Object.keys(commands);
  for (const key of keys) await runOne(key); // warm the file cache; also fails early if a command is missing
  const rounds = quick ? 3 : 15;
  const times = { baseline: [], list: [], version: [] };
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < keys.length; k++) {
      const key = keys[(round + k) % keys.length];
      times[key].push(await runOne(key));
    }
  }
  const baseline = summarize(times.baseline);
  return ['list', 'version'].map((key) => {
    const over = summarize(times[key].map((ms, i) => ms - times.baseline[i]));
    return {
      figure: `kusto-db ${key} over node -e ''`,
      baseline: `node -e '' ${Math.round(baseline.median)} ms (${key} ${Math.round(summarize(times[key]).median)} ms)`,
      value: over.median,
      unit: 'ms',
      spread: [over.min, over.max],
      target: '< 300 ms',
      pass: over.median < 300,
      detail: { rounds, ms: summarize(times[key]), baselineMs: baseline, overMs: over },
    };
  });
}
