// `kusto-db generate -a` for four databases against four sequential `prisma generate` runs on
// the same schemas. Each side gets a fresh copy of the schemas (no clients yet) per round; rounds
// alternate (ABBA); the figure is the median of per-round ratios. The kusto-db side then runs
// `generate -a` a second time with nothing changed (every client skipped by its stamp), against
// the same round's sequential baseline. Offline: the schema engine path is
// set to /bin/true (prisma generate does not need the engine).
import fs from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { BENCH_DIR, FOUR_DATABASES, KUSTO_DB_BIN, databaseEnv } from '../lib/setup.mjs';
import { timedRun } from '../lib/processes.mjs';
import { interleave, summarize } from '../lib/stats.mjs';

export const name = 'generate';
export const title = 'kusto-db generate -a, 4 databases';
/** One pair alone takes ~15 s here (8 prisma generate runs), a quarter of the --quick budget. */
export const quickSkip = 'one round takes ~15 s';

const PRISMA_CLI = path.join(path.dirname(createRequire(path.join(BENCH_DIR, 'package.json')).resolve('prisma/package.json')), 'build', 'index.js');
const OFFLINE = { CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1', PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true', NO_COLOR: '1' };

async function freshProject(label) {
  const dir = path.join(BENCH_DIR, '.fixtures', `generate-${label}-${process.pid}`);
  await fs.rm(dir, { recursive: true, force: true });
  for (const [database, schema] of Object.entries(FOUR_DATABASES)) {
    await fs.mkdir(path.join(dir, 'src', 'app', 'db', database), { recursive: true });
    await fs.writeFile(path.join(dir, 'src', 'app', 'db', database, 'schema.prisma'), schema);
  }
  return dir;
}

async function assertGenerated(dir) {
  for (const database of Object.keys(FOUR_DATABASES)) {
    await fs.access(path.join(dir, 'src', 'app', 'db', database, 'client', 'index.js'));
  }
}

export async function run({ urls, quick }) {
  const env = { ...databaseEnv(urls), ...OFFLINE };
  const again = [];
  const kusto = async () => {
    const dir = await freshProject('kusto');
    const result = await timedRun(process.execPath, [KUSTO_DB_BIN, 'generate', '-a'], { cwd: dir, env, timeoutMs: 180_000 });
    if (result.code !== 0) throw new Error(`kusto-db generate -a exited with ${result.code}: ${result.out.slice(-600)}`);
    await assertGenerated(dir);
    if ((result.out.match(/, in-process/g) ?? []).length !== Object.keys(FOUR_DATABASES).length) {
      throw new Error(`kusto-db generate -a did not generate every database in-process: ${result.out.slice(-600)}`);
    }
    const second = await timedRun(process.execPath, [KUSTO_DB_BIN, 'generate', '-a'], { cwd: dir, env, timeoutMs: 180_000 });
    if (second.code !== 0) throw new Error(`second kusto-db generate -a exited with ${second.code}: ${second.out.slice(-600)}`);
    if ((second.out.match(/ generate skipped /g) ?? []).length !== Object.keys(FOUR_DATABASES).length) {
      throw new Error(`the second kusto-db generate -a did not skip every database: ${second.out.slice(-600)}`);
    }
    again.push(second.ms);
    await fs.rm(dir, { recursive: true, force: true });
    return result.ms;
  };
  const sequential = async () => {
    const dir = await freshProject('prisma');
    let total = 0;
    for (const database of Object.keys(FOUR_DATABASES)) {
      const schema = path.join(dir, 'src', 'app', 'db', database, 'schema.prisma');
      const result = await timedRun(process.execPath, [PRISMA_CLI, 'generate', '--schema', schema], { cwd: dir, env, timeoutMs: 120_000 });
      if (result.code !== 0) throw new Error(`prisma generate exited with ${result.code}: ${result.out.slice(-600)}`);
      total += result.ms;
    }
    await assertGenerated(dir);
    await fs.rm(dir, { recursive: true, force: true });
    return total;
  };
  const rounds = quick ? 1 : 4;
  const { a, b } = await interleave(rounds, kusto, sequential);
  const ratio = summarize(a.map((ms, i) => ms / b[i]));
  const againRatio = summarize(again.map((ms, i) => ms / b[i]));
  return [
    {
      figure: 'wall time ratio kusto-db generate -a / 4 × prisma generate',
      baseline: `sequential ${Math.round(summarize(b).median)} ms (kusto-db ${Math.round(summarize(a).median)} ms)`,
      value: ratio.median,
      unit: '×',
      spread: [ratio.min, ratio.max],
      target: '≤ 0.6',
      pass: ratio.median <= 0.6,
      detail: { rounds, kustoMs: summarize(a), sequentialMs: summarize(b), ratio, mode: "in-process (Prisma's generator, one process)" },
    },
    {
      figure: 'wall time ratio second kusto-db generate -a, nothing changed / 4 × prisma generate',
      baseline: `sequential ${Math.round(summarize(b).median)} ms (kusto-db ${Math.round(summarize(again).median)} ms)`,
      value: againRatio.median,
      unit: '×',
      spread: [againRatio.min, againRatio.max],
      target: '≤ 0.1',
      pass: againRatio.median <= 0.1,
      detail: { rounds, kustoMs: summarize(again), sequentialMs: summarize(b), ratio: againRatio },
    },
  ];
}
