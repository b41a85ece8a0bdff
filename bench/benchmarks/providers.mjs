// MySQL (a real MariaDB) beside Postgres in the same run, each on a server of its own started the
// same way (`providerServers()` of @kusto/test-servers), the same schema and seed, the same app:
// - fail-fast: a fresh manager per attempt against a refused port, a wrong password and an unknown
//   database; time from getClient() to the first error event naming the cause ("reported"), to its
//   DatabaseUnavailableError (the first 503: default traditional retries included), and of the next
//   call (circuit open);
// - recovery: 50 closed-loop HTTP clients on the middleware app, the server stopped, 1–2 s down,
//   started; time from the server accepting logins again to the first 200, and every answer other
//   than 200/503;
// - query overhead: findUnique by id through a managed client against a bare PrismaClient with its
//   own adapter (same pool size), queries alternating one by one; ratio of p50s per round.
// Providers alternate (ABBA) round by round. Targets: MySQL within 2× of Postgres on fail-fast and
// recovery, 0 answers other than 200/503.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { createKustoDb } from '@kusto/db';
import { findFreePort } from '@kusto/test-servers';
import { providerServers } from '@kusto/test-servers/testing';
import { startLoad } from '../lib/load.mjs';
import { timePairs } from '../lib/query-pairs.mjs';
import { mysqlSkipReason, prepareProvider } from '../lib/provider-fixture.mjs';
import { startAppServer } from '../lib/processes.mjs';
import { loadGeneratedClient, USER_ROWS as ROWS } from '../lib/setup.mjs';
import { collectGarbage, sleep, summarize } from '../lib/stats.mjs';

export const name = 'providers';
export const title = 'MySQL (MariaDB) beside Postgres: fail-fast, restart recovery, query overhead';

const CONCURRENCY = 50;
const HUNG_MS = 10_000;

export const skipReason = mysqlSkipReason;

/** One bad-URL attempt: when the cause was reported, when getClient rejected, and the next call. */
async function failOnce(side, badUrl) {
  const m = createKustoDb({ cwd: side.project, profile: 'traditional', databases: { user: { url: badUrl } } });
  let reportedAt;
  let kind;
  m.on('error', (event) => {
    if (event.during === 'check' && reportedAt === undefined) {
      reportedAt = performance.now();
      kind = event.kind;
    }
  });
  try {
    const started = performance.now();
    const error = await m.getClient('user').then(() => undefined, (e) => e);
    const failedAt = performance.now();
    const again = performance.now();
    await m.getClient('user').catch(() => undefined);
    return {
      reportedMs: (reportedAt ?? Number.NaN) - started,
      firstFailureMs: failedAt - started,
      circuitOpenMs: performance.now() - again,
      kind,
      failed: error?.code === 'DATABASE_UNAVAILABLE',
      message: String(error?.message ?? '').replace(/\s+/g, ' ').slice(0, 160),
    };
  } finally {
    await m.disconnectAll();
  }
}

async function badUrls(side) {
  const refused = new URL(side.url);
  refused.port = String(await findFreePort());
  const password = new URL(side.url);
  password.password = 'wrong-password';
  const database = new URL(side.url);
  database.pathname = '/no_such_database';
  return { 'refused connection': refused.toString(), 'wrong password': password.toString(), 'unknown database': database.toString() };
}

/** When the server accepts logins again: a fresh session every 5 ms. */
async function acceptedAt(server, url, maxMs = 30_000) {
  for (const deadline = performance.now() + maxMs; performance.now() < deadline; await sleep(5)) {
    try {
      await server.rows(url, 'SELECT 1 AS one');
      return performance.now();
    } catch {
      // not yet
    }
  }
  return undefined;
}

async function recoverOnce(side, app, { quick }) {
  let i = 0;
  const load = startLoad({
    port: app.ports.middleware,
    path: () => `/users/${1 + ((i++ * 7919) % ROWS)}`,
    concurrency: CONCURRENCY,
    timeoutMs: HUNG_MS,
    maxMs: 40_000,
  });
  await sleep(quick ? 500 : 1_000);
  const stopAt = performance.now();
  await side.server.stop();
  const stoppedAt = performance.now();
  await sleep(quick ? 1_000 : 2_000);
  const started = side.server.start();
  const accepted = (await acceptedAt(side.server, side.url)) ?? performance.now();
  await started;
  const deadline = performance.now() + 15_000;
  const firstOk = () => load.records.find((r) => r.status === 200 && r.start > stoppedAt && r.end > accepted);
  while (!firstOk() && performance.now() < deadline) await sleep(10);
  await sleep(quick ? 500 : 1_000);
  const records = await load.stop();
  const ok = firstOk();
  const during = records.filter((r) => r.end > stopAt);
  const statuses = {};
  for (const r of during) statuses[r.error ?? r.status] = (statuses[r.error ?? r.status] ?? 0) + 1;
  return {
    recoveryMs: ok ? ok.end - accepted : Number.POSITIVE_INFINITY,
    hung: records.filter((r) => r.hung).length,
    other: during.filter((r) => !r.hung && r.status !== 200 && r.status !== 503).length,
    statuses,
    requests: records.length,
  };
}

function bareClient(side) {
  const PrismaClient = loadGeneratedClient(side.project, 'user');
  if (side.kit.provider === 'mysql') {
    const parsed = new URL(side.url);
    const adapter = new PrismaMariaDb({
      host: parsed.hostname,
      port: Number(parsed.port),
      user: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
      database: parsed.pathname.slice(1),
      connectionLimit: 10,
    });
    return new PrismaClient({ adapter });
  }
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: side.url, max: 10, connectionTimeoutMillis: 5_000 }) });
}

async function queryRatios(side, { quick }) {
  const bare = bareClient(side);
  const db = createKustoDb({ cwd: side.project, profile: 'traditional', databases: { user: { url: side.url, pool: { max: 10 } } } });
  try {
    const managed = async (id) => (await db.getClient('user')).user.findUnique({ where: { id } });
    const direct = (id) => bare.user.findUnique({ where: { id } });
    await timePairs(200, [managed, direct]);
    const rounds = quick ? 3 : 8;
    const perRound = quick ? 300 : 1_000;
    const ratios = [];
    const bareP50 = [];
    for (let round = 0; round < rounds; round++) {
      collectGarbage();
      const [m, b] = (await timePairs(perRound, [managed, direct])).map((side) => side.p50);
      ratios.push(m / b);
      bareP50.push(b);
    }
    return { ratios, bareP50 };
  } finally {
    await Promise.all([db.disconnectAll(), bare.$disconnect()]);
  }
}

const fmt = (ms) => (Number.isFinite(ms) ? (ms >= 10 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`) : '∞');

export async function run({ quick, log }) {
  const kits = (await providerServers()).filter((kit) => kit.name === 'postgres' || kit.name === 'mysql');
  const sides = [];
  try {
    for (const kit of kits) sides.push(await prepareProvider(kit));
    const rows = [];

    // Fail-fast, ABBA over rounds; the first round of each side warms Prisma's modules and is dropped.
    const rounds = quick ? 4 : 8;
    const urls = await Promise.all(sides.map(badUrls));
    const causes = Object.keys(urls[0]);
    const fails = sides.map(() => Object.fromEntries(causes.map((cause) => [cause, []])));
    for (let round = 0; round <= rounds; round++) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const s of order) {
        for (const cause of causes) {
          const result = await failOnce(sides[s], urls[s][cause]);
          if (round > 0) fails[s][cause].push(result);
        }
      }
    }
    for (const cause of causes) {
      const [p, m] = [fails[0][cause], fails[1][cause]];
      const pr = summarize(p.map((r) => r.reportedMs));
      const mr = summarize(m.map((r) => r.reportedMs));
      const pf = summarize(p.map((r) => r.firstFailureMs));
      const mf = summarize(m.map((r) => r.firstFailureMs));
      const mo = summarize(m.map((r) => r.circuitOpenMs));
      log(`  ${cause}: postgres ${fmt(pr.median)} (${p[0]?.kind}), mysql ${fmt(mr.median)} (${m[0]?.kind}): ${m[0]?.message}`);
      rows.push({
        figure: `MySQL: ${cause} at boot, cause reported (first check's error event, kind ${m[0]?.kind})`,
        baseline: `Postgres ${fmt(pr.median)} (kind ${p[0]?.kind}); ratio ${(mr.median / pr.median).toFixed(2)}×`,
        value: mr.median,
        unit: 'ms',
        spread: [mr.min, mr.max],
        target: '≤ 2× Postgres and ≤ 100 ms',
        pass: mr.median <= 2 * pr.median && mr.median <= 100,
        detail: { postgres: p, mysql: m },
      });
      rows.push({
        figure: `MySQL: ${cause} at boot, first 503 (getClient rejects, retries included)`,
        baseline: `Postgres ${fmt(pf.median)}; next call (circuit open) MySQL ${fmt(mo.median)}`,
        value: mf.median,
        unit: 'ms',
        spread: [mf.min, mf.max],
        target: '≤ 2× Postgres',
        pass: mf.median <= 2 * pf.median && m.every((r) => r.failed),
      });
    }

    // Recovery after a restart under load, one app per provider, alternating.
    const apps = [];
    for (const side of sides) {
      apps.push(await startAppServer({ project: side.project, variants: ['middleware'], managerOptions: { databases: { user: { url: side.url } } } }, {}, `providers-${side.kit.name}`));
    }
    try {
      const recoveryRounds = quick ? 1 : 3;
      const recoveries = [[], []];
      for (let round = 0; round < recoveryRounds; round++) {
        for (const s of round % 2 === 0 ? [0, 1] : [1, 0]) {
          const result = await recoverOnce(sides[s], apps[s], { quick });
          recoveries[s].push(result);
          log(`  recovery ${sides[s].kit.name} round ${round + 1}: first 200 ${fmt(result.recoveryMs)} after accept; ${JSON.stringify(result.statuses)}`);
          await sleep(500);
        }
      }
      const [pgRec, myRec] = recoveries.map((list) => summarize(list.map((r) => r.recoveryMs)));
      const total = (list, key) => list.reduce((sum, r) => sum + r[key], 0);
      const statuses = (list) => Object.entries(list.reduce((acc, r) => { for (const [k, v] of Object.entries(r.statuses)) acc[k] = (acc[k] ?? 0) + v; return acc; }, {})).map(([k, v]) => `${k}:${v}`).join(' ');
      rows.push({
        figure: 'MySQL: first 200 after the server accepts again (restart under 50 clients)',
        baseline: `Postgres ${fmt(pgRec.median)}; ratio ${(myRec.median / pgRec.median).toFixed(2)}×`,
        value: myRec.median,
        unit: 'ms',
        spread: [myRec.min, myRec.max],
        target: '≤ 2× Postgres',
        pass: myRec.median <= 2 * pgRec.median,
        detail: { postgres: recoveries[0], mysql: recoveries[1] },
      });
      for (const [s, label] of [[1, 'MySQL'], [0, 'Postgres']]) {
        rows.push({
          figure: `${label}: answers other than 200/503 during the restarts`,
          baseline: `${statuses(recoveries[s])}; hung ${total(recoveries[s], 'hung')}`,
          value: total(recoveries[s], 'other'),
          unit: '',
          target: '0',
          pass: total(recoveries[s], 'other') === 0 && total(recoveries[s], 'hung') === 0,
        });
      }
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }

    // Query overhead of the managed client, per provider.
    const query = [];
    for (const side of sides) query.push(await queryRatios(side, { quick }));
    const [pgQ, myQ] = query.map((q) => summarize(q.ratios));
    rows.push({
      figure: 'MySQL: query p50 ratio managed / bare client (findUnique by id)',
      baseline: `bare PrismaMariaDb p50 ${summarize(query[1].bareP50).median.toFixed(3)} ms; Postgres ratio ${pgQ.median.toFixed(3)}×`,
      value: myQ.median,
      unit: '×',
      spread: [myQ.min, myQ.max],
      target: '≤ 1.02',
      pass: myQ.median <= 1.02,
      detail: { postgres: query[0], mysql: query[1] },
    });
    return rows;
  } finally {
    await Promise.all(sides.map((side) => side.server.close()));
  }
}

