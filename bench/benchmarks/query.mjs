// findUnique by id through a managed client (getClient per query, as the README recommends)
// against a bare PrismaClient of the same generated class with its own PrismaPg adapter and the
// same pool size. Sequential queries alternating side by side (A,B,B,A…), p50 and p99 per round;
// the figures are the medians over rounds of the per-round ratios.
import { PrismaPg } from '@prisma/adapter-pg';
import { createKustoDb } from '@kusto/db';
import { timePairs } from '../lib/query-pairs.mjs';
import { loadGeneratedClient } from '../lib/setup.mjs';
import { collectGarbage, summarize } from '../lib/stats.mjs';

export const name = 'query';
export const title = 'query through a managed client (findUnique by id)';

export async function run({ projects, urls, quick }) {
  const PrismaClient = loadGeneratedClient(projects.four, 'user');
  const bare = new PrismaClient({ adapter: new PrismaPg({ connectionString: urls.user, max: 10, connectionTimeoutMillis: 5_000 }) });
  const db = createKustoDb({ cwd: projects.four, profile: 'traditional', databases: { user: { url: urls.user, pool: { max: 10 } } } });
  try {
    const managed = async (id) => (await db.getClient('user')).user.findUnique({ where: { id } });
    const direct = (id) => bare.user.findUnique({ where: { id } });
    await timePairs(300, [managed, direct]); // warm both sides (engine, JIT, pool)
    const perRound = quick ? 300 : 1_500;
    const rounds = quick ? 5 : 12;
    const a = [];
    const b = [];
    for (let round = 0; round < rounds; round++) {
      collectGarbage();
      const [m, d] = await timePairs(perRound, [managed, direct]);
      a.push(m);
      b.push(d);
    }
    const rows = [];
    for (const p of ['p50', 'p99']) {
      const ratios = summarize(a.map((m, i) => m[p] / b[i][p]));
      rows.push({
        figure: `${p} latency ratio managed / bare`,
        baseline: `bare PrismaClient ${p} ${summarize(b.map((x) => x[p])).median.toFixed(3)} ms`,
        value: ratios.median,
        unit: '×',
        spread: [ratios.min, ratios.max],
        target: '≤ 1.02',
        pass: ratios.median <= 1.02,
        detail: { rounds, queriesPerRound: perRound, managedMs: summarize(a.map((x) => x[p])), bareMs: summarize(b.map((x) => x[p])), ratio: ratios },
      });
    }
    return rows;
  } finally {
    await Promise.all([db.disconnectAll(), bare.$disconnect()]);
  }
}
