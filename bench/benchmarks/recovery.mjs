// Postgres really restarts under HTTP load (50 concurrent clients on the middleware app, default
// traditional settings). A probe opens a fresh connection every 5 ms to see when the server
// accepts connections again; the figure is the time from then to the first 200 of a request sent
// after the stop. Every request is recorded: a request with no answer in 10 s is hung, and any
// answer other than 200/503 (or a socket error) is an error. A bare PrismaClient app takes the same
// load at the same time (its own 50 clients, its own process), for the timeline picture
// (results/recovery-restart.svg).
import path from 'node:path';
import { waitAccepting } from '../lib/probe.mjs';
import { startLoad } from '../lib/load.mjs';
import { startAppServer } from '../lib/processes.mjs';
import { BENCH_DIR, USER_ROWS } from '../lib/setup.mjs';
import { sleep, summarize } from '../lib/stats.mjs';
import { writeTimeline } from '../lib/timeline.mjs';

export const name = 'recovery';
export const title = 'recovery after a Postgres restart under load';

const CONCURRENCY = 50;
const HUNG_MS = 10_000;

export async function run({ server, projects, urls, quick, log }) {
  const managerOptions = { databases: { user: { url: urls.recovery } } };
  // Two processes: the bare app's fast 500s must not take the managed app's CPU (and vice versa).
  const app = await startAppServer({ project: projects.four, variants: ['middleware'], managerOptions }, {}, 'recovery');
  const bareApp = await startAppServer({ project: projects.four, variants: ['bare'], managerOptions, bareUrl: urls.recovery }, {}, 'recovery-bare');
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
      let j = 0;
      const bareLoad = startLoad({
        port: bareApp.ports.bare,
        path: () => `/users/${1 + ((j++ * 7919) % USER_ROWS)}`,
        concurrency: CONCURRENCY,
        timeoutMs: HUNG_MS,
        maxMs: 40_000,
      });
      const from = performance.now();
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
      const bareOk = () => bareLoad.records.find((r) => r.status === 200 && r.start > stoppedAt && r.end > acceptedAt);
      while (!bareOk() && performance.now() < deadline) await sleep(10);
      await sleep(quick ? 500 : 1_000);
      const to = performance.now();
      const records = await load.stop();
      const bareRecords = await bareLoad.stop();
      const ok = firstOk();
      const bareRecoveryMs = bareOk() ? bareOk().end - acceptedAt : Number.POSITIVE_INFINITY;
      const bareStatuses = {};
      for (const r of bareRecords.filter((r) => r.end > stopAt)) bareStatuses[r.error ?? r.status] = (bareStatuses[r.error ?? r.status] ?? 0) + 1;
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
      let timeline;
      if (round === 0) {
        timeline = path.relative(
          BENCH_DIR,
          writeTimeline(path.join(BENCH_DIR, 'results', 'recovery-restart.svg'), {
            title: `Postgres restarted (${downMs / 1_000} s down) under ${CONCURRENCY} closed-loop clients per app`,
            panels: [
              { label: `@kusto/express-db + @kusto/db (defaults): first 200 ${Math.round(recoveryMs)} ms after accept`, records },
              { label: `bare PrismaClient + PrismaPg (defaults): first 200 ${Math.round(bareRecoveryMs)} ms after accept`, records: bareRecords },
            ],
            from,
            to,
            marks: [
              { at: stoppedAt, label: 'stopped' },
              { at: acceptedAt, label: 'accepts again' },
            ],
          }),
        );
      }
      results.push({ events, recoveryMs, hung, otherErrors, statuses, requests: records.length, stopMs: stoppedAt - stopAt, downMs, reconnectCount: status.reconnectCount, circuitOpenCount: status.circuitOpenCount, bare: { recoveryMs: bareRecoveryMs, statuses: bareStatuses, requests: bareRecords.length }, timeline });
      log(`  round ${round + 1}: first 200 ${Math.round(recoveryMs)} ms after accept (bare ${Math.round(bareRecoveryMs)} ms); ${JSON.stringify(statuses)}; bare ${JSON.stringify(bareStatuses)}; events ${events.join(' ')}`);
      await sleep(500);
    }
  } finally {
    await app.close();
    await bareApp.close();
  }
  const recovery = summarize(results.map((r) => r.recoveryMs));
  const hung = results.reduce((sum, r) => sum + r.hung, 0);
  const otherErrors = results.reduce((sum, r) => sum + r.otherErrors, 0);
  return [
    {
      figure: 'first 200 after Postgres accepts again',
      baseline: `${downMs} ms outage, ${CONCURRENCY} clients; bare PrismaClient ${Math.round(summarize(results.map((r) => r.bare.recoveryMs)).median)} ms; results/recovery-restart.svg`,
      value: recovery.median,
      unit: 'ms',
      spread: [recovery.min, recovery.max],
      // The circuit's cooldown (750 ms, jittered in [500, 750] ms) bounds how long a probe waits after the server is back.
      target: '≤ 1 000 ms',
      pass: recovery.max <= 1_000,
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
