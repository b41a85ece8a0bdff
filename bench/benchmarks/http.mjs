// HTTP throughput of GET /users/:id with createDbConnectionMiddleware (cached) against the same
// route without it. Both Express apps live in one child process over one manager; autocannon
// drives them from this process, one app then the other (ABBA), and each round gives a ratio.
import autocannon from 'autocannon';
import { startAppServer } from '../lib/processes.mjs';
import { USER_ROWS } from '../lib/setup.mjs';
import { interleave, sleep, summarize } from '../lib/stats.mjs';

export const name = 'http';
export const title = 'HTTP throughput with createDbConnectionMiddleware';

function cannon(port, seconds) {
  let i = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: 10,
        duration: seconds,
        timeout: 10,
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/users/${1 + ((i++ * 7919) % USER_ROWS)}` }) }],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

export async function run({ projects, urls, quick }) {
  const app = await startAppServer({ project: projects.four, variants: ['plain', 'middleware'], managerOptions: { databases: { user: { url: urls.user } } } }, {}, 'http');
  try {
    const seconds = quick ? 1 : 2;
    await cannon(app.ports.middleware, 1); // warm both apps (JIT, pool)
    await cannon(app.ports.plain, 1);
    const rounds = quick ? 3 : 14;
    const { a, b } = await interleave(
      rounds,
      () => cannon(app.ports.middleware, seconds),
      () => cannon(app.ports.plain, seconds),
      () => sleep(200),
    );
    const bad = [...a, ...b].reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0);
    const ratio = summarize(a.map((r, i) => r.requests.average / b[i].requests.average));
    const p99 = summarize(a.map((r, i) => r.latency.p99 / b[i].latency.p99));
    return [
      {
        figure: 'req/s ratio middleware / plain',
        baseline: `plain ${Math.round(summarize(b.map((r) => r.requests.average)).median)} req/s`,
        value: ratio.median,
        unit: '×',
        spread: [ratio.min, ratio.max],
        target: '≥ 0.97',
        pass: ratio.median >= 0.97 && bad === 0,
        detail: {
          rounds,
          secondsPerRound: seconds,
          connections: 10,
          middlewareReqPerSec: summarize(a.map((r) => r.requests.average)),
          plainReqPerSec: summarize(b.map((r) => r.requests.average)),
          p99LatencyRatio: p99,
          non2xxOrErrors: bad,
        },
      },
    ];
  } finally {
    await app.close();
  }
}
