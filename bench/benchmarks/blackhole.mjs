// The database sits behind a TCP proxy that is switched to blackhole (accepts, never answers)
// under open-loop load (a request every 5 ms, whatever happened to earlier ones). The middleware checks on every request (checkInterval 0) with checkTimeoutMs 1000 and
// continueOnFailure false, so a request either passes a fresh check or gets a 503. Figures: time
// from blackhole() to the first 503, and the latency of the 503s that follow while the circuit is
// open. Then the proxy heals and the time to the first 200 is reported.
import { startTcpProxy } from '@kusto/test-servers';
import { startOpenLoad } from '../lib/load.mjs';
import { startAppServer } from '../lib/processes.mjs';
import { USER_ROWS } from '../lib/setup.mjs';
import { quantile, sleep, summarize } from '../lib/stats.mjs';

export const name = 'blackhole';
export const title = 'blackholed database: first 503, then 503 latency';

const CHECK_TIMEOUT_MS = 1_000;
const EVERY_MS = 5;
// The check's own timer fires at CHECK_TIMEOUT_MS, so the first 503 cannot come earlier; timers
// and the HTTP round trip get this much on top before it counts as a miss.
const SLACK = 1.05;

export async function run({ server, projects, urls, quick, log }) {
  const proxy = await startTcpProxy({ targetHost: server.host, targetPort: server.port });
  const app = await startAppServer({
    project: projects.four,
    variants: ['middleware'],
    managerOptions: { checkTimeoutMs: CHECK_TIMEOUT_MS, databases: { user: { url: proxy.url(urls.blackhole) } } },
    middlewareOptions: { checkInterval: 0, continueOnFailure: false },
  }, {}, 'blackhole');
  const rounds = quick ? 1 : 3;
  const openMs = quick ? 1_500 : 4_000;
  const results = [];
  try {
    for (let round = 0; round < rounds; round++) {
      let i = 0;
      const load = startOpenLoad({ port: app.ports.middleware, path: () => `/users/${1 + ((i++ * 7919) % USER_ROWS)}`, everyMs: EVERY_MS, timeoutMs: 10_000, maxMs: 40_000 });
      await sleep(500);
      const quiet = (await app.status()).eventLoopDelayMs;
      const acceptedBefore = proxy.acceptedCount;
      const holedAt = performance.now();
      proxy.blackhole();
      const deadline = holedAt + 15_000;
      const first503 = () => load.records.filter((r) => r.status === 503 && r.end > holedAt).sort((x, y) => x.end - y.end)[0];
      while (!first503() && performance.now() < deadline) await sleep(5);
      const first = first503();
      await sleep(openMs);
      const holed = (await app.status()).eventLoopDelayMs;
      const healedAt = performance.now();
      proxy.heal();
      const firstOk = () => load.records.filter((r) => r.status === 200 && r.start > healedAt).sort((x, y) => x.end - y.end)[0];
      while (!firstOk() && performance.now() < healedAt + 15_000) await sleep(5);
      const ok = firstOk();
      const records = await load.stop();
      const open = records.filter((r) => r.status === 503 && first && r.start >= first.end && r.end <= healedAt);
      const latencies = open.map((r) => r.end - r.start);
      if (process.env.BENCH_DEBUG) log(`  slow 503s (start after first 503 ms: latency ms): ${open.filter((r) => r.end - r.start > 5).map((r) => `${Math.round(r.start - first.end)}:${Math.round(r.end - r.start)}`).join(' ')}`);
      const hung = records.filter((r) => r.hung).length;
      const others = records.filter((r) => r.end > holedAt && !r.hung && r.status !== 200 && r.status !== 503).length;
      // Requests whose query was already on a connection when the proxy went silent.
      const inFlightAtHole = records.filter((r) => r.start < holedAt && r.end > holedAt).length;
      results.push({
        firstMs: first ? first.end - holedAt : Number.POSITIVE_INFINITY,
        p50: quantile(latencies, 0.5),
        p99: quantile(latencies, 0.99),
        max: latencies.length ? Math.max(...latencies) : Number.NaN,
        slow: latencies.filter((ms) => ms > 5).length,
        count503: latencies.length,
        recoverMs: ok ? ok.end - healedAt : Number.POSITIVE_INFINITY,
        hung,
        others,
        inFlightAtHole,
        serverEventLoopDelayMaxMs: { beforeBlackhole: Math.round(quiet.max), whileHoled: Math.round(holed.max) },
        requests: records.length,
        proxyConnectsWhileHoled: proxy.acceptedCount - acceptedBefore,
      });
      log(`  round ${round + 1}: ${JSON.stringify(results.at(-1))}`);
      await sleep(300);
    }
  } finally {
    await app.close();
    await proxy.close();
  }
  const first = summarize(results.map((r) => r.firstMs));
  const p99 = summarize(results.map((r) => r.p99));
  const recover = summarize(results.map((r) => r.recoverMs));
  return [
    {
      figure: 'time from blackhole to first 503',
      baseline: `checkTimeoutMs ${CHECK_TIMEOUT_MS}`,
      value: first.median,
      unit: 'ms',
      spread: [first.min, first.max],
      target: `≤ check timeout (${CHECK_TIMEOUT_MS} ms, +5 %)`,
      pass: first.max <= CHECK_TIMEOUT_MS * SLACK,
      detail: { rounds: results },
    },
    {
      figure: 'p99 latency of 503s while the circuit is open',
      baseline: `${results.reduce((s, r) => s + r.count503, 0)} 503s, p50 ${summarize(results.map((r) => r.p50)).median.toFixed(2)} ms`,
      value: p99.median,
      unit: 'ms',
      spread: [p99.min, p99.max],
      target: '< 5 ms',
      pass: p99.max < 5,
    },
    {
      figure: 'first 200 after the proxy heals',
      baseline: `answers other than 200/503/hung: ${results.reduce((s, r) => s + r.others, 0)}`,
      value: recover.median,
      unit: 'ms',
      spread: [recover.min, recover.max],
      target: 'report',
      pass: null,
    },
    {
      figure: 'requests hung (no answer in 10 s) during the blackhole',
      baseline: `${results.reduce((s, r) => s + r.requests, 0)} requests, ${results.reduce((s, r) => s + r.inFlightAtHole, 0)} in flight at blackhole`,
      value: results.reduce((s, r) => s + r.hung, 0),
      unit: '',
      spread: undefined,
      target: 'report',
      pass: null,
    },
  ];
}
