// Long outages: Postgres really stopped for 10 s, 30 s and 120 s (quick: 10 s) while two apps take
// the same open-loop load, the managed one (middleware, default traditional settings) and a bare
// PrismaClient app. Each app reaches Postgres through a TCP proxy of its own, so every connection
// attempt against the down server is counted at the server side. A probe opens a fresh pg
// connection every 5 ms to timestamp when the server accepts again; the figure is that moment →
// first 200 of a request sent after the stop. A timeline SVG per outage goes to results/.
// `measureLongOutages` runs the same on any target (lib/outage-target.mjs): long-outage-mysql.mjs.
import path from 'node:path';
import { postgresTarget, startSideBySide } from '../lib/outage-target.mjs';
import { BENCH_DIR } from '../lib/setup.mjs';
import { sleep, summarize } from '../lib/stats.mjs';
import { writeTimeline } from '../lib/timeline.mjs';

export const name = 'long-outage';
export const title = 'long Postgres outages under load: recovery lag and probe rate, managed vs bare PrismaClient';

const EVERY_MS = 20; // one request every 20 ms per app (50/s), whatever happened to the earlier ones
const HUNG_MS = 10_000;
const TARGET_MS = 1_000;
const TARGET_ATTEMPTS_PER_S = 2;

export async function run({ server, projects, urls, quick, log }) {
  // Two rounds of the shorter outages (their figure is a median), one of 120 s.
  const outages = quick ? [10_000] : [10_000, 30_000, 10_000, 30_000, 120_000];
  return measureLongOutages(postgresTarget({ server, project: projects.four, url: urls.recovery }), { outages, log });
}

/** Stops `target`'s server for each of `outages` (ms) in turn under load; the benchmark's rows. */
export async function measureLongOutages(target, { outages, log }) {
  const { server, label } = target;
  const apps = await startSideBySide(target, 'long-outage');
  const { proxies } = apps;
  const results = [];
  try {
    for (const downMs of outages) {
      const maxMs = downMs + 60_000;
      const loads = apps.startLoads({ everyMs: EVERY_MS, timeoutMs: HUNG_MS, maxMs });
      const from = performance.now();
      await sleep(2_000);
      const stopAt = performance.now();
      await server.stop();
      const stoppedAt = performance.now();
      const before = { managed: proxies.managed.acceptedCount, bare: proxies.bare.acceptedCount };
      await sleep(downMs);
      const attempts = { managed: proxies.managed.acceptedCount - before.managed, bare: proxies.bare.acceptedCount - before.bare };
      const downFor = (performance.now() - stoppedAt) / 1_000;
      const probe = target.waitAccepting();
      await server.start();
      const acceptedAt = (await probe.promise) ?? performance.now();
      const firstOk = (records) => records.find((r) => r.status === 200 && r.start > stoppedAt && r.end > acceptedAt);
      // Until both apps answered a 200 again (bounded), then 3 s more for the picture.
      for (const deadline = performance.now() + 30_000; performance.now() < deadline; await sleep(10)) {
        if (firstOk(loads.managed.records) && firstOk(loads.bare.records)) break;
      }
      await sleep(3_000);
      const to = performance.now();
      const records = { managed: await loads.managed.stop(), bare: await loads.bare.stop() };
      const round = { downMs, downFor, attempts, attemptsPerSecond: {}, recoveryMs: {}, statuses: {}, hung: {}, otherErrors: {}, requests: {} };
      for (const side of ['managed', 'bare']) {
        const ok = firstOk(records[side]);
        round.recoveryMs[side] = ok ? ok.end - acceptedAt : Number.POSITIVE_INFINITY;
        round.attemptsPerSecond[side] = attempts[side] / downFor;
        const during = records[side].filter((r) => r.end > stopAt);
        const statuses = {};
        for (const r of during) statuses[r.hung ? 'hung' : (r.error ?? r.status)] = (statuses[r.hung ? 'hung' : (r.error ?? r.status)] ?? 0) + 1;
        round.statuses[side] = statuses;
        round.hung[side] = records[side].filter((r) => r.hung).length;
        round.otherErrors[side] = during.filter((r) => !r.hung && r.status !== 200 && r.status !== 503).length;
        round.requests[side] = records[side].length;
      }
      const file = writeTimeline(path.join(BENCH_DIR, 'results', `long-outage${target.fileSuffix}-${downMs / 1_000}s.svg`), {
        title: `${label} stopped for ${downMs / 1_000} s under ${1_000 / EVERY_MS} requests/s per app (open loop)`,
        panels: [
          { label: `@kusto/express-db + @kusto/db (defaults): first 200 ${Math.round(round.recoveryMs.managed)} ms after accept, ${round.attemptsPerSecond.managed.toFixed(2)} connection attempts/s while down`, records: records.managed },
          { label: `bare PrismaClient + ${target.bareAdapter} (defaults): first 200 ${Math.round(round.recoveryMs.bare)} ms after accept, ${round.attemptsPerSecond.bare.toFixed(2)} connection attempts/s while down`, records: records.bare },
        ],
        from,
        to,
        marks: [
          { at: stoppedAt, label: 'stopped' },
          { at: acceptedAt, label: 'accepts again' },
        ],
      });
      round.timeline = path.relative(BENCH_DIR, file);
      results.push(round);
      log(
        `  ${label} ${downMs / 1_000} s down: first 200 managed ${Math.round(round.recoveryMs.managed)} ms, bare ${Math.round(round.recoveryMs.bare)} ms after accept; ` +
          `attempts/s managed ${round.attemptsPerSecond.managed.toFixed(2)}, bare ${round.attemptsPerSecond.bare.toFixed(2)}; ` +
          `managed ${JSON.stringify(round.statuses.managed)} bare ${JSON.stringify(round.statuses.bare)}; ${round.timeline}`,
      );
      await sleep(1_000);
    }
  } finally {
    await apps.close();
  }
  const rows = [...new Set(outages)].map((downMs) => {
    const rounds = results.filter((round) => round.downMs === downMs);
    const managed = summarize(rounds.map((round) => round.recoveryMs.managed));
    const bare = summarize(rounds.map((round) => round.recoveryMs.bare));
    return {
      figure: `${target.figurePrefix}first 200 after ${label} accepts again, ${downMs / 1_000} s outage`,
      baseline: `bare PrismaClient ${Math.round(bare.median)} ms; ${1_000 / EVERY_MS} req/s per app; ${rounds.length} round(s); ${rounds[0].timeline}`,
      value: managed.median,
      unit: 'ms',
      spread: rounds.length > 1 ? [managed.min, managed.max] : undefined,
      target: `≤ ${TARGET_MS} ms`,
      pass: managed.max <= TARGET_MS,
      detail: { rounds },
    };
  });
  const rates = summarize(results.map((round) => round.attemptsPerSecond.managed));
  const bareRates = summarize(results.map((round) => round.attemptsPerSecond.bare));
  rows.push({
    figure: `${target.figurePrefix}connection attempts per second against the down server (one process)`,
    baseline: `bare PrismaClient ${bareRates.median.toFixed(1)}/s at ${1_000 / EVERY_MS} req/s`,
    value: rates.median,
    unit: '/s',
    spread: [rates.min, rates.max],
    target: `≤ ${TARGET_ATTEMPTS_PER_S}/s`,
    pass: rates.max <= TARGET_ATTEMPTS_PER_S,
  });
  const hung = results.reduce((sum, round) => sum + round.hung.managed, 0);
  const other = results.reduce((sum, round) => sum + round.otherErrors.managed, 0);
  rows.push({
    figure: `${target.figurePrefix}hung requests (no answer in 10 s) and answers other than 200/503, managed`,
    baseline: `bare PrismaClient: ${results.reduce((s, r) => s + r.hung.bare, 0)} hung, ${results.reduce((s, r) => s + r.otherErrors.bare, 0)} other (500s)`,
    value: hung + other,
    unit: '',
    spread: undefined,
    target: '0',
    pass: hung + other === 0,
  });
  return rows;
}
