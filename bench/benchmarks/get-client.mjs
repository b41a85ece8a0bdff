// Cached getClient() per call, against getClientSync() (no check, no promise) in the same process.
// tinybench times batches of BATCH calls; each round runs both tasks (order alternating) and the
// figure is the per-call difference of their means, median over rounds.
import { Bench } from 'tinybench';
import { createKustoDb } from '@kusto/db';
import { collectGarbage, summarize } from '../lib/stats.mjs';

export const name = 'get-client';
export const title = 'cached getClient() per call';

const BATCH = 1_000;

export async function run({ projects, urls, quick }) {
  const db = createKustoDb({ cwd: projects.four, profile: 'traditional', databases: { user: { url: urls.user } } });
  try {
    await db.getClient('user'); // first check: from here on the cache answers
    let sink = 0;
    const cached = async () => {
      for (let i = 0; i < BATCH; i++) if (await db.getClient('user')) sink++;
    };
    const sync = async () => {
      for (let i = 0; i < BATCH; i++) if (db.getClientSync('user')) sink++;
    };
    const rounds = quick ? 6 : 20;
    const diffs = [];
    const cachedNs = [];
    const syncNs = [];
    for (let round = 0; round < rounds; round++) {
      collectGarbage();
      const bench = new Bench({ time: quick ? 150 : 400, warmupTime: 50 });
      // Alternate which task runs first, so drift within a round does not favour one side.
      if (round % 2 === 0) bench.add('getClient', cached).add('getClientSync', sync);
      else bench.add('getClientSync', sync).add('getClient', cached);
      await bench.run();
      const perCall = (taskName) => (bench.getTask(taskName).result.latency.p50 * 1e6) / BATCH; // ms → ns per call
      cachedNs.push(perCall('getClient'));
      syncNs.push(perCall('getClientSync'));
      diffs.push(perCall('getClient') - perCall('getClientSync'));
    }
    if (sink === 0) throw new Error('no client returned');
    const diff = summarize(diffs.map((ns) => ns / 1000));
    const state = db.statusOf('user');
    return [
      {
        figure: 'overhead per call (getClient − getClientSync)',
        baseline: `getClientSync() ${summarize(syncNs).median.toFixed(0)} ns/call`,
        value: diff.median,
        unit: 'µs',
        spread: [diff.min, diff.max],
        target: '< 1 µs',
        pass: diff.median < 1,
        detail: { rounds, batch: BATCH, cachedNsPerCall: summarize(cachedNs), syncNsPerCall: summarize(syncNs), state: state.state },
      },
    ];
  } finally {
    await db.disconnectAll();
  }
}
