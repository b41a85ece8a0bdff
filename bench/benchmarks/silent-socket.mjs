// Pooled sockets that die without a word (a NAT or load balancer forgot them: no FIN, no RST): each
// app reaches Postgres through a TCP proxy of its own, and `proxy.stall()` stops forwarding every
// open connection while new connections still get through. Both apps, the managed one (middleware,
// default traditional settings, so `pool.queryTimeoutMillis` 10 s) and a bare PrismaClient app, take
// the same open-loop load. Figures: the longest wait for an answer of a request in flight at the
// stall or sent after it (target ≤ 15 s), requests with no answer in 30 s (the load generator
// gives up then; a bare pg pool without keep-alive would wait for ever), and the first 200 after
// the stall. `measureSilentSocket` runs the same on any target (lib/outage-target.mjs):
// silent-socket-mysql.mjs.
import path from 'node:path';
import { postgresTarget, startSideBySide } from '../lib/outage-target.mjs';
import { BENCH_DIR } from '../lib/setup.mjs';
import { sleep } from '../lib/stats.mjs';
import { writeTimeline } from '../lib/timeline.mjs';

export const name = 'silent-socket';
export const title = 'pooled connections that go silent (no FIN/RST) under load, managed vs bare PrismaClient';

const EVERY_MS = 50;
const HUNG_MS = 30_000;
const TARGET_MS = 15_000;

export async function run({ server, projects, urls, quick, log }) {
  return measureSilentSocket(postgresTarget({ server, project: projects.four, url: urls.blackhole }), { quick, log });
}

/** Silences the pooled connections to `target` under load; the benchmark's rows. */
export async function measureSilentSocket(target, { quick, log }) {
  const apps = await startSideBySide(target, 'silent-socket');
  const { proxies } = apps;
  const watchMs = quick ? 20_000 : 35_000;
  let round;
  try {
    const maxMs = watchMs + 5_000;
    const loads = apps.startLoads({ everyMs: EVERY_MS, timeoutMs: HUNG_MS, maxMs });
    const from = performance.now();
    await sleep(2_000);
    const stalledAt = performance.now();
    proxies.managed.stall();
    proxies.bare.stall();
    await sleep(watchMs);
    const records = { managed: await loads.managed.stop(), bare: await loads.bare.stop() };
    const to = performance.now();
    round = { watchMs, longestMs: {}, hung: {}, firstOkMs: {}, statuses: {}, sentAfter: {} };
    for (const side of ['managed', 'bare']) {
      // Every request in flight at the stall or sent after it: stop() waited for each to be answered or to hang (HUNG_MS).
      const after = records[side].filter((r) => r.start >= stalledAt || r.end >= stalledAt || r.hung);
      const waits = after.map((r) => (r.hung ? HUNG_MS : r.end - r.start));
      round.longestMs[side] = waits.length ? Math.max(...waits) : Number.NaN;
      round.hung[side] = after.filter((r) => r.hung).length;
      const ok = records[side].find((r) => r.status === 200 && r.start >= stalledAt);
      round.firstOkMs[side] = ok ? ok.end - stalledAt : Number.POSITIVE_INFINITY;
      const statuses = {};
      for (const r of after) statuses[r.hung ? 'hung' : (r.error ?? r.status)] = (statuses[r.hung ? 'hung' : (r.error ?? r.status)] ?? 0) + 1;
      round.statuses[side] = statuses;
      round.sentAfter[side] = after.length;
    }
    const file = writeTimeline(path.join(BENCH_DIR, 'results', `silent-socket${target.fileSuffix}.svg`), {
      title: `${target.label}: open pooled connections go silent (no FIN/RST; new ones get through), ${1_000 / EVERY_MS} requests/s per app`,
      panels: [
        { label: `@kusto/express-db + @kusto/db (defaults): longest wait ${Math.round(round.longestMs.managed)} ms, ${round.hung.managed} hung`, records: records.managed },
        { label: `bare PrismaClient + ${target.bareAdapter} (defaults): longest wait ${round.hung.bare ? '≥ 30 s (gave up)' : `${Math.round(round.longestMs.bare)} ms`}, ${round.hung.bare} hung`, records: records.bare },
      ],
      from,
      to,
      marks: [{ at: stalledAt, label: 'sockets go silent' }],
    });
    round.timeline = path.relative(BENCH_DIR, file);
    log(
      `  ${target.label}: longest wait managed ${Math.round(round.longestMs.managed)} ms, bare ${Math.round(round.longestMs.bare)} ms; hung managed ${round.hung.managed}, bare ${round.hung.bare}; ` +
        `first 200 after stall managed ${Math.round(round.firstOkMs.managed)} ms; managed ${JSON.stringify(round.statuses.managed)} bare ${JSON.stringify(round.statuses.bare)}; ${round.timeline}`,
    );
  } finally {
    await apps.close();
  }
  return [
    {
      figure: `${target.figurePrefix}longest wait for an answer, requests in flight or sent after the sockets went silent`,
      baseline: `bare PrismaClient ${round.hung.bare ? `≥ ${HUNG_MS / 1_000} s (${round.hung.bare} hung)` : `${Math.round(round.longestMs.bare)} ms`}; ${round.timeline}`,
      value: round.longestMs.managed,
      unit: 'ms',
      spread: undefined,
      target: `≤ ${TARGET_MS / 1_000} s`,
      pass: round.longestMs.managed <= TARGET_MS,
      detail: round,
    },
    {
      figure: `${target.figurePrefix}requests hung (no answer in 30 s) after the sockets went silent, managed`,
      baseline: `bare PrismaClient ${round.hung.bare}`,
      value: round.hung.managed,
      unit: '',
      spread: undefined,
      target: '0',
      pass: round.hung.managed === 0,
    },
    {
      figure: `${target.figurePrefix}first 200 after the sockets went silent (on a new connection), managed`,
      baseline: `bare PrismaClient ${Number.isFinite(round.firstOkMs.bare) ? `${Math.round(round.firstOkMs.bare)} ms` : 'none'}`,
      value: round.firstOkMs.managed,
      unit: 'ms',
      spread: undefined,
      target: 'report',
      pass: null,
    },
  ];
}
