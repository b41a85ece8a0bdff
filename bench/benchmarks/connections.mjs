// 200 concurrent HTTP clients on the middleware app (pool max 10) while Postgres restarts.
// An admin connection samples pg_stat_activity for the app's database every 20 ms throughout
// (reconnecting after the restart); the figure is the most server connections ever seen.
import { startLoad } from '../lib/load.mjs';
import { startAppServer } from '../lib/processes.mjs';
import { startConnectionSampler } from '../lib/sampler.mjs';
import { USER_ROWS } from '../lib/setup.mjs';
import { sleep } from '../lib/stats.mjs';

export const name = 'connections';
export const title = 'connections during a restart under 200 concurrent clients';

const POOL_MAX = 10;
const CLIENTS = 200;

export async function run({ server, projects, urls, quick, log }) {
  const app = await startAppServer({ project: projects.four, variants: ['middleware'], managerOptions: { pool: { max: POOL_MAX }, databases: { user: { url: urls.conns } } } }, {}, 'connections');
  const sampler = startConnectionSampler(server.url('postgres'), 'conns', { everyMs: 20 });
  let i = 0;
  const load = startLoad({ port: app.ports.middleware, path: () => `/users/${1 + ((i++ * 7919) % USER_ROWS)}`, concurrency: CLIENTS, timeoutMs: 10_000, maxMs: 40_000 });
  let stopAt;
  let startedAt;
  try {
    await sleep(quick ? 700 : 2_000);
    stopAt = performance.now();
    await server.stop();
    await sleep(quick ? 1_000 : 2_000);
    await server.start();
    startedAt = performance.now();
    await sleep(quick ? 1_500 : 4_000);
  } finally {
    await load.stop();
    await app.close();
  }
  const { samples, failures } = await sampler.stop();
  const max = Math.max(...samples.map((s) => s.n));
  const maxBefore = Math.max(0, ...samples.filter((s) => s.at < stopAt).map((s) => s.n));
  const maxAfter = Math.max(0, ...samples.filter((s) => s.at > startedAt).map((s) => s.n));
  const ok = load.records.filter((r) => r.status === 200).length;
  // Answers by phase: before the stop, while down, after the start.
  const phases = { before: {}, down: {}, after: {} };
  for (const r of load.records) {
    const phase = r.end < stopAt ? 'before' : r.end < startedAt ? 'down' : 'after';
    const key = r.error ?? r.status;
    phases[phase][key] = (phases[phase][key] ?? 0) + 1;
  }
  const others = load.records.filter((r) => r.status !== 200 && r.status !== 503).length;
  log(`  ${samples.length} samples, max ${max} (before ${maxBefore}, after restart ${maxAfter}); answers ${JSON.stringify(phases)}`);
  if (maxBefore === 0) throw new Error('no connection seen before the restart: the sampler or the load is broken');
  return [
    {
      figure: 'most server connections seen (pg_stat_activity)',
      baseline: `pool max ${POOL_MAX}; ${samples.length} samples`,
      value: max,
      unit: 'conns',
      spread: [maxBefore, maxAfter],
      target: `≤ ${POOL_MAX}`,
      pass: max <= POOL_MAX,
      detail: { phases, others, samples: samples.length, samplerFailures: failures, maxBefore, maxAfter, requests: load.records.length, ok200: ok, clients: CLIENTS },
    },
    {
      figure: 'answers other than 200/503 (same run)',
      baseline: `${load.records.length} requests, ${ok} × 200`,
      value: others,
      unit: '',
      spread: undefined,
      target: 'report',
      pass: null,
    },
  ];
}
