// The profile's pool decision, measured the way a production server meets it: 50 concurrent
// `SELECT pg_sleep(0.005)` through getClient() for a fixed time, on a manager whose environment is
// NODE_ENV=production (a long-lived server in a container) against one with no NODE_ENV at all,
// ABBA-interleaved in one process; then a Lambda-like environment (AWS_LAMBDA_FUNCTION_NAME set)
// under the same load, sampling its pool and the server's connections to it.
import { createKustoDb } from '@kusto/db';
import pg from 'pg';
import { countConnections } from '../lib/setup.mjs';
import { collectGarbage, interleave, sleep, summarize } from '../lib/stats.mjs';

export const name = 'profile';
export const title = 'pool profile: NODE_ENV=production vs none, and a Lambda-like environment';

const CONCURRENCY = 50;
const SLEEP_SQL = 'SELECT pg_sleep(0.005)::text';

/** Closed-loop load for `ms`: CONCURRENCY workers, each running the query back to back. */
async function throughput(db, ms) {
  const until = performance.now() + ms;
  let done = 0;
  const worker = async () => {
    while (performance.now() < until) {
      await (await db.getClient('user')).$queryRawUnsafe(SLEEP_SQL);
      done += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return (done * 1_000) / (performance.now() - started);
}

function manager(projects, urls, env) {
  // The profile is detected from `env` (no explicit profile), as in an app that sets nothing.
  return createKustoDb({ cwd: projects.four, env: { ...env, RDS_USER_URL: urls.user } });
}

export async function run({ projects, urls, quick, log }) {
  const production = manager(projects, urls, { NODE_ENV: 'production' });
  const plain = manager(projects, urls, {});
  const lambda = manager(projects, urls, { NODE_ENV: 'production', AWS_LAMBDA_FUNCTION_NAME: 'bench' });
  const admin = new pg.Client({ connectionString: urls.user });
  await admin.connect();
  try {
    const windowMs = quick ? 1_000 : 3_000;
    for (const db of [production, plain]) await throughput(db, 300); // warm: engine, pool
    const rounds = quick ? 4 : 10;
    const { a, b } = await interleave(
      rounds,
      () => throughput(production, windowMs),
      () => throughput(plain, windowMs),
      async () => collectGarbage(),
    );
    const ratios = summarize(a.map((value, i) => value / b[i]));
    const prodPool = production.statusOf('user').pool;
    log(`  NODE_ENV=production ${summarize(a).median.toFixed(0)} ops/s (pool ${prodPool?.total}), none ${summarize(b).median.toFixed(0)} ops/s; ratio ${ratios.median.toFixed(2)}`);

    // Lambda-like: the same load alone (the other pools closed), sampling the pool and the server's view every 5 ms.
    await Promise.all([production.disconnectAll(), plain.disconnectAll()]);
    let peakPool = 0;
    let peakServer = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peakPool = Math.max(peakPool, lambda.statusOf('user').pool?.total ?? 0);
        peakServer = Math.max(peakServer, (await countConnections(admin, 'user')) - 1); // minus the admin's own
        await sleep(5);
      }
    })();
    const lambdaOps = await throughput(lambda, windowMs);
    sampling = false;
    await sampler;
    const { profile } = lambda;
    log(`  Lambda-like: ${lambdaOps.toFixed(0)} ops/s, pool peak ${peakPool}, server connections peak ${peakServer} (${profile.pool.reason})`);
    return [
      {
        figure: 'throughput NODE_ENV=production / no NODE_ENV (50 concurrent getClient queries)',
        baseline: `no NODE_ENV ${summarize(b).median.toFixed(0)} ops/s; production pool ${prodPool?.total ?? '?'} connections`,
        value: ratios.median,
        unit: '×',
        spread: [ratios.min, ratios.max],
        target: '≥ 0.95',
        pass: ratios.median >= 0.95,
        detail: { rounds, windowMs, productionOps: summarize(a), plainOps: summarize(b), ratio: ratios, productionProfile: production.profile },
      },
      {
        figure: 'Lambda-like environment: most connections (pool; server)',
        baseline: `serverless pool max 2; ${lambdaOps.toFixed(0)} ops/s`,
        value: Math.max(peakPool, peakServer),
        unit: 'conns',
        spread: [peakPool, peakServer],
        target: '≤ 2',
        pass: peakPool <= 2 && peakServer <= 2,
        detail: { peakPool, peakServer, profile },
      },
    ];
  } finally {
    await Promise.all([production.disconnectAll(), plain.disconnectAll(), lambda.disconnectAll(), admin.end()]);
  }
}
