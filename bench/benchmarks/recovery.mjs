// Postgres really restarts under HTTP load (50 concurrent clients on the middleware app, default
// traditional settings). A probe opens a fresh connection every 5 ms to see when the server
// accepts connections again; the figure is the time from then to the first 200 of a request sent
// after the stop. Every request is recorded: a request with no answer in 10 s is hung, and any
// answer other than 200/503 (or a socket error) is an error.
import { waitAccepting } from '../lib/probe.mjs';
import { startLoad } from '../lib/load.mjs';
import { startAppServer } from '../lib/processes.mjs';
import { USER_ROWS } from '../lib/setup.mjs';
import { sleep, summarize } from '../lib/stats.mjs';

export const name = 'recovery';
export const title = 'recovery after a Postgres restart under load';

const CONCURRENCY = 50;
const HUNG_MS = 10_000;

export async function run({ server, projects, urls, quick, log }) {
  const app = await startAppServer({ project: projects.four, variants: ['middleware'], managerOptions: { databases: { user: { url: urls.recovery } } } }, {}, 'recovery');
  const rounds = quick ? 1 : 3;
  const downMs = quick ? 1_000 : 2_000;
  const results = [];
  try {
    for (let round = 0; round < rounds; round++) {
      let i = 0;
      const load = startLoad({
        port: app.ports.middleware,
        path: () => `/users/${1 + ((i++ * 7919) % USER_ROWS)}`,
        concurrency: CONCURRENCY,
        timeoutMs: HUNG_MS,
        maxMs: 40_000,
      });
      await sleep(quick ? 500 : 1_000);
      const stopAt = performance.now();
      await server.stop();
      const stoppedAt = performance.now();
      await sleep(downMs);
      const probe = waitAccepting(urls.recovery);
      await server.start();
      const acceptedAt = (await probe.promise) ?? performance.now();
      const acceptedWall = Date.now() - (performance.now() - acceptedAt);
      // Keep the load on until a 200 arrives after the server is back, then a little longer.
      const deadline = performance.now() + 15_000;
      const firstOk = () => load.records.find((r) => r.status === 200 && r.start > stoppedAt && r.end > acceptedAt);
      while (!firstOk() && performance.now() < deadline) await sleep(10);
      await sleep(quick ? 500 : 1_000);
      const records = await load.stop();
      const ok = firstOk();
      const during = records.filter((r) => r.end > stopAt);
      const statuses = {};
      for (const r of during) statuses[r.error ?? r.status] = (statuses[r.error ?? r.status] ?? 0) + 1;
      const hung = records.filter((r) => r.hung).length;
      const otherErrors = during.filter((r) => !r.hung && r.status !== 200 && r.status !== 503).length;
      const recoveryMs = ok ? ok.end - acceptedAt : Number.POSITIVE_INFINITY;
      const reply = await app.status();
      const status = reply.status.find((s) => s.name === 'user');
      // Manager events relative to the moment the server accepted again (negative: before).
      const events = reply.events.filter((e) => e.at >= acceptedWall - downMs - 2_000).map((e) => `${e.event}@${e.at - Math.round(acceptedWall)}`);
      results.push({ events, recoveryMs, hung, otherErrors, statuses, requests: records.length, stopMs: stoppedAt - stopAt, downMs, reconnectCount: status.reconnectCount, circuitOpenCount: status.circuitOpenCount });
      log(`  round ${round + 1}: first 200 ${Math.round(recoveryMs)} ms after accept; ${JSON.stringify(statuses)}; events ${events.join(' ')}`);
      await sleep(500);
    }
  } finally {
    await app.close();
  }
  const recovery = summarize(results.map((r) => r.recoveryMs));
  const hung = results.reduce((sum, r) => sum + r.hung, 0);
  const otherErrors = results.reduce((sum, r) => sum + r.otherErrors, 0);
  return [
    {
      figure: 'first 200 after Postgres accepts again',
      baseline: `${downMs} ms outage, ${CONCURRENCY} clients`,
      value: recovery.median,
      unit: 'ms',
      spread: [recovery.min, recovery.max],
      target: '≤ 500 ms',
      pass: recovery.max <= 500,
      detail: { rounds: results },
    },
    {
      figure: 'hung requests (no answer in 10 s)',
      baseline: `${results.reduce((s, r) => s + r.requests, 0)} requests`,
      value: hung,
      unit: '',
      spread: undefined,
      target: '0',
      pass: hung === 0,
    },
    {
      figure: 'answers other than 200/503',
      baseline: Object.entries(results.reduce((acc, r) => { for (const [k, v] of Object.entries(r.statuses)) acc[k] = (acc[k] ?? 0) + v; return acc; }, {})).map(([k, v]) => `${k}:${v}`).join(' '),
      value: otherErrors,
      unit: '',
      spread: undefined,
      target: '0',
      pass: otherErrors === 0,
    },
  ];
}
