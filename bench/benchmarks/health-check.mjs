// Cost of one health check: getClient with checkIntervalMs 0 forces the manager's real check path
// (SELECT 1 through the adapter, bounded by checkTimeoutMs) on every call. Reported as p50/p99,
// with a bare $queryRaw`SELECT 1` on a PrismaClient of the same adapter interleaved for context.
// The load it puts on a database is one such check per checkIntervalMs (60 s traditional).
import { PrismaPg } from '@prisma/adapter-pg';
import { createKustoDb } from '@kusto/db';
import { loadGeneratedClient } from '../lib/setup.mjs';
import { collectGarbage, interleave, quantile, summarize } from '../lib/stats.mjs';

export const name = 'health-check';
export const title = 'health-check cost (SELECT 1 through the adapter)';

async function sample(count, fn) {
  const samples = new Array(count);
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await fn();
    samples[i] = performance.now() - started;
  }
  return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99) };
}

export async function run({ projects, urls, quick }) {
  const PrismaClient = loadGeneratedClient(projects.four, 'user');
  const bare = new PrismaClient({ adapter: new PrismaPg({ connectionString: urls.user, max: 10, connectionTimeoutMillis: 5_000 }) });
  const db = createKustoDb({ cwd: projects.four, profile: 'traditional', databases: { user: { url: urls.user } } });
  try {
    const check = () => db.getClient('user', { checkIntervalMs: 0 });
    const select1 = () => bare.$queryRaw`SELECT 1`;
    await sample(200, check);
    await sample(200, select1);
    const before = db.statusOf('user');
    const rounds = quick ? 4 : 10;
    const perRound = quick ? 300 : 1_000;
    const { a, b } = await interleave(rounds, () => sample(perRound, check), () => sample(perRound, select1), async () => collectGarbage());
    const after = db.statusOf('user');
    if (after.reconnectCount !== before.reconnectCount) throw new Error('the manager reconnected during a healthy check benchmark');
    const rows = [];
    for (const p of ['p50', 'p99']) {
      const check = summarize(a.map((x) => x[p]));
      const raw = summarize(b.map((x) => x[p]));
      const ratio = summarize(a.map((x, i) => x[p] / b[i][p]));
      rows.push({
        figure: `check ${p} (getClient, checkIntervalMs 0)`,
        baseline: `bare SELECT 1 ${p} ${raw.median.toFixed(3)} ms (ratio ${ratio.median.toFixed(2)}×)`,
        value: check.median,
        unit: 'ms',
        spread: [check.min, check.max],
        target: 'report',
        pass: null,
        detail: { rounds, checksPerRound: perRound, checkMs: check, bareSelect1Ms: raw, ratio, lastLatencyMs: after.lastLatencyMs },
      });
    }
    return rows;
  } finally {
    await Promise.all([db.disconnectAll(), bare.$disconnect()]);
  }
}
