// Wall time of `kusto-db list` and `kusto-db version` (spawned with Node, as the bin shim does)
// over `node -e ''` in the same round, in a project with four databases; and, for scale, yargs'
// own cost: a one-command yargs program (the parser kusto-db is built on) over `node -e ''`. Each
// round runs the commands in a rotated order; the figure is the median of per-round differences.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { KUSTO_DB_BIN, databaseEnv } from '../lib/setup.mjs';
import { timedRun } from '../lib/processes.mjs';
import { summarize } from '../lib/stats.mjs';

export const name = 'cli';
export const title = 'kusto-db list / version wall time';

export async function run({ projects, urls, quick }) {
  const env = { ...databaseEnv(urls), NO_COLOR: '1' };
  const yargsEntry = pathToFileURL(createRequire(KUSTO_DB_BIN).resolve('yargs')).href;
  const yargsOnly = `const { default: yargs } = await import(${JSON.stringify(yargsEntry)});
await yargs(['list']).command('list', 'x', (y) => y, () => {}).strict().help().exitProcess(false).parseAsync();`;
  const commands = {
    baseline: [process.execPath, ['-e', '']],
    list: [process.execPath, [KUSTO_DB_BIN, 'list']],
    version: [process.execPath, [KUSTO_DB_BIN, 'version']],
    yargs: [process.execPath, ['--input-type=module', '-e', yargsOnly]],
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
  const times = { baseline: [], list: [], version: [], yargs: [] };
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < keys.length; k++) {
      const key = keys[(round + k) % keys.length];
      times[key].push(await runOne(key));
    }
  }
  const baseline = summarize(times.baseline);
  const figures = { list: 'kusto-db list', version: 'kusto-db version', yargs: 'a one-command yargs program (for scale)' };
  return ['list', 'version', 'yargs'].map((key) => {
    const over = summarize(times[key].map((ms, i) => ms - times.baseline[i]));
    return {
      figure: `${figures[key]} over node -e ''`,
      baseline: `node -e '' ${Math.round(baseline.median)} ms (${key} ${Math.round(summarize(times[key]).median)} ms)`,
      value: over.median,
      unit: 'ms',
      spread: [over.min, over.max],
      target: key === 'yargs' ? '(reference)' : '≤ 150 ms',
      pass: key === 'yargs' ? true : over.median <= 150,
      detail: { rounds, ms: summarize(times[key]), baselineMs: baseline, overMs: over },
    };
  });
}
