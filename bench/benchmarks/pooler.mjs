// 50 simulated serverless instances — each its own @kusto/db manager, profile `serverless`, a pool
// of one — run the same closed-loop workload (a point read, a write, a small interactive
// transaction, in turn) straight to the server ("direct") or through a real PgBouncer in
// transaction mode ("bouncer", URL with `?pgbouncer=true`).
//
// Both sets of 50 instances live in this process for the whole benchmark, each on its own copy of
// the seeded table (databases `pooler_direct` and `pooler_bouncer`), so pg_stat_activity tells
// their server connections apart while the idle set keeps its connections like a warm instance
// would. Every instance is created and runs its first query before anything is timed (direct and
// bouncer alternately, which also times that first query). Then the sets take turns in short
// rounds, ABBA: the loops of one set start, ramp up untimed, and the operations completed in a
// fixed window are counted; the loops stop before the other set starts, so the two windows of a
// pair are seconds apart and see the same machine load. Two child processes sample
// pg_stat_activity, one per database, every 10 ms throughout.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createKustoDb } from '@kusto/db';
import { pgbouncerAvailability, startPgBouncer } from '@kusto/test-servers';
import { LOG_DIR } from '../lib/processes.mjs';
import { forkConnectionSampler } from '../lib/sampler.mjs';
import { USER_ROWS } from '../lib/setup.mjs';
import { collectGarbage, interleave, quantile, sleep, summarize } from '../lib/stats.mjs';

export const name = 'pooler';
export const title = '50 serverless instances direct vs through PgBouncer';

const INSTANCES = 50;
const POOL_SIZE = 10;
const DATABASES = { direct: 'pooler_direct', bouncer: 'pooler_bouncer' };
/** Rows each instance writes to (its own slice of the table), so writes never wait on each other's row locks. */
const ROWS_PER_INSTANCE = Math.floor(USER_ROWS / INSTANCES);
/** Loops still running this long after their window ended are counted as hung (an error). */
const HUNG_MS = 10_000;

/** Why the benchmark cannot run here, or undefined; run.mjs then reports it as skipped. */
export async function skipReason() {
  const availability = await pgbouncerAvailability();
  return availability.available ? undefined : `PgBouncer unavailable: ${availability.reason}`;
}

/** Busy and total CPU time of the whole machine so far (ms, all cores). */
function machineCpu() {
  let busy = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    busy += all - times.idle;
    total += all;
  }
  return { busy, total };
}

/** CPU time (ms) each process has used so far, from /proc/<pid>/schedstat (Linux); pids that are gone are left out. */
function processCpu(pids) {
  const used = new Map();
  for (const pid of pids) {
    try {
      used.set(pid, Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6);
    } catch {
      // gone, or not Linux
    }
  }
  return used;
}

/** CPU ms used between two `processCpu` snapshots; a pid missing from `before` counts from 0 (it started in between). */
function cpuBetween(before, after) {
  let ms = 0;
  for (const [pid, end] of after) ms += end - (before.get(pid) ?? 0);
  return ms;
}

/** Server processes (client backends) connected to `database`. */
async function backendPids(admin, database) {
  const { rows } = await admin.query("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'", [database]);
  return rows.map((row) => row.pid);
}

/** One Lambda-like app instance: its own manager, serverless profile, a pool of one, the URL from its env. */
function instance(project, url) {
  const db = createKustoDb({ cwd: project, profile: 'serverless', env: { RDS_USER_URL: url }, pool: { max: 1 } });
  db.on('error', () => {}); // idle-connection errors: listening keeps the manager from throwing; query errors are counted below
  return db;
}

/** The three operations of the mix for instance `i`, in turn: reads anywhere, writes only in its own rows. */
function workload(db, i) {
  let n = 0;
  const readId = () => 1 + ((n * 7919 + i * 131) % USER_ROWS);
  const writeId = () => 1 + i * ROWS_PER_INSTANCE + (n % ROWS_PER_INSTANCE);
  const mix = [
    async function read() {
      const id = readId();
      const row = await (await db.getClient('user')).user.findUnique({ where: { id } });
      if (row?.id !== id) throw new Error(`findUnique(${id}) returned ${JSON.stringify(row)}`);
    },
    async function write() {
      await (await db.getClient('user')).user.update({ where: { id: writeId() }, data: { name: `w${i}-${n}` } });
    },
    async function transaction() {
      const client = await db.getClient('user');
      await client.$transaction(async (tx) => {
        const row = await tx.user.findUnique({ where: { id: writeId() } });
        await tx.user.update({ where: { id: row.id }, data: { name: `t${i}-${n}` } });
      });
    },
  ];
  return async () => {
    await mix[n % mix.length]();
    n++;
  };
}

/** Errors by mode, each with the phase it happened in; the first few are kept with their message. */
function errorLog() {
  const counts = { direct: 0, bouncer: 0 };
  const samples = { direct: [], bouncer: [] };
  return {
    counts,
    samples,
    record(mode, phase, error) {
      counts[mode]++;
      if (samples[mode].length < 10) samples[mode].push({ phase, message: String(error?.message ?? error).split('\n')[0], code: error?.code });
    },
  };
}

/**
 * One window of one set: start its loops, wait until every instance has completed an operation
 * (an instance whose idle connection was closed reconnects first) and `rampMs` more, count the
 * operations completed in the next `windowMs`, stop the loops (bounded by HUNG_MS).
 */
async function runWindow(set, { rampMs, windowMs, admin, errors, poolerPid, log }) {
  const { mode, instances, steps } = set;
  let running = true;
  let counting = false;
  const ops = new Array(instances.length).fill(0);
  const going = new Array(instances.length).fill(false); // completed an operation this window
  const latencies = [];
  const loops = Promise.all(
    steps.map(async (step, i) => {
      while (running) {
        const started = performance.now();
        try {
          await step();
          going[i] = true;
          if (counting) {
            ops[i]++;
            latencies.push(performance.now() - started);
          }
        } catch (error) {
          errors.record(mode, counting ? 'window' : 'ramp', error);
          await sleep(10);
        }
      }
    }),
  );
  const rampStart = performance.now();
  try {
    while (!going.every(Boolean) && performance.now() - rampStart < HUNG_MS) await sleep(10);
    const everyInstanceMs = performance.now() - rampStart;
    await sleep(rampMs);
    // The server processes serving this set now, and PgBouncer's, for CPU per operation.
    const pids = await backendPids(admin, DATABASES[mode]);
    const extra = poolerPid ? [poolerPid] : [];
    const elu0 = performance.eventLoopUtilization();
    const [cpu0, machine0, server0, pooler0] = [process.cpuUsage(), machineCpu(), processCpu(pids), processCpu(extra)];
    counting = true;
    const windowStart = performance.now();
    await sleep(windowMs);
    counting = false;
    const windowEnd = performance.now();
    const eventLoopUtilization = performance.eventLoopUtilization(elu0).utilization;
    const [cpu, machine1, server1, pooler1] = [process.cpuUsage(cpu0), machineCpu(), processCpu(pids), processCpu(extra)];
    if (process.env.BENCH_DEBUG) {
      for (const [n, i] of ops.map((n, i) => [n, i]).sort((x, y) => x[0] - y[0]).slice(0, 3)) {
        const { state, pool, reconnectCount, lastError } = instances[i].statusOf('user');
        log(`    ${mode} instance ${i}: ${n} ops in the window; ${JSON.stringify({ state, pool, reconnectCount, lastError })}`);
      }
    }
    // Backends opened during the window (PgBouncer grows its pool on demand): all their CPU so far.
    const late = processCpu((await backendPids(admin, DATABASES[mode])).filter((pid) => !server0.has(pid)));
    const total = ops.reduce((sum, n) => sum + n, 0);
    const perOp = (ms) => ms / Math.max(1, total);
    const driverMs = (cpu.user + cpu.system) / 1000;
    return {
      mode,
      opsPerSec: total / ((windowEnd - windowStart) / 1000),
      ops: total,
      rampStart,
      // Until every instance had completed an operation: reconnecting the ones whose idle connection closed.
      everyInstanceMs,
      windowStart,
      windowEnd,
      eventLoopUtilization,
      // Where the CPU went during the window: this process (all 100 instances, only this set
      // running), the server processes of this set, PgBouncer, and how busy the whole machine was.
      cpu: {
        driverMsPerOp: perOp(driverMs),
        driverCores: driverMs / (windowEnd - windowStart),
        backends: server1.size + late.size,
        serverMsPerOp: perOp(cpuBetween(server0, server1) + cpuBetween(new Map(), late)),
        pgbouncerMsPerOp: poolerPid ? perOp(cpuBetween(pooler0, pooler1)) : undefined,
        machineBusy: (machine1.busy - machine0.busy) / Math.max(1, machine1.total - machine0.total),
      },
      perInstanceOps: { min: Math.min(...ops), median: quantile(ops, 0.5), max: Math.max(...ops) },
      latencyMs: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) },
    };
  } finally {
    running = false;
    let hungTimer;
    const finished = await Promise.race([loops.then(() => true), new Promise((resolve) => (hungTimer = setTimeout(resolve, HUNG_MS, false)))]);
    clearTimeout(hungTimer);
    if (!finished) errors.record(mode, 'end', new Error(`a loop did not finish within ${HUNG_MS} ms of its window's end`));
  }
}

const summaryLine = (w) =>
  `${w.mode.padEnd(7)} ${String(Math.round(w.opsPerSec)).padStart(4)} ops/s, ELU ${w.eventLoopUtilization.toFixed(2)}, ` +
  `CPU ms/op: driver ${w.cpu.driverMsPerOp.toFixed(2)} (${w.cpu.driverCores.toFixed(2)} cores), ${w.cpu.backends} backends ${w.cpu.serverMsPerOp.toFixed(2)}` +
  (w.cpu.pgbouncerMsPerOp === undefined ? '' : `, pgbouncer ${w.cpu.pgbouncerMsPerOp.toFixed(2)}`) +
  `; machine ${Math.round(w.cpu.machineBusy * 100)} % busy; ops per instance ${w.perInstanceOps.min}–${w.perInstanceOps.max}, ` +
  `p50 ${w.latencyMs.p50.toFixed(1)} ms, p99 ${w.latencyMs.p99.toFixed(0)} ms; every instance going after ${Math.round(w.everyInstanceMs)} ms`;

/** PgBouncer's counters for the bouncer database (totals since it started; times in µs). */
async function poolerCounters(bouncer) {
  const stats = (await bouncer.showStats()).find((row) => row.database === DATABASES.bouncer);
  return stats && { transactions: stats.total_xact_count, waitMicros: stats.total_wait_time, xactMicros: stats.total_xact_time };
}

export async function run({ server, projects, urls, quick, log }) {
  const availability = await pgbouncerAvailability();
  if (!availability.available) throw new Error(`PgBouncer unavailable: ${availability.reason}`);
  const adminUrl = server.url('postgres');
  const pairs = quick ? 2 : 10;
  const timing = { rampMs: quick ? 300 : 500, windowMs: quick ? 1_000 : 2_000 };
  const errors = errorLog();
  const logLines = [];
  const admin = new pg.Client({ connectionString: adminUrl });
  const sets = { direct: { mode: 'direct', instances: [] }, bouncer: { mode: 'bouncer', instances: [] } };
  const samplers = {};
  let bouncer;
  let windows;
  const firstQueryMs = { direct: [], bouncer: [] };
  let counters;
  try {
    bouncer = await startPgBouncer({
      upstream: server,
      poolMode: 'transaction',
      defaultPoolSize: POOL_SIZE,
      // A client waiting for a server connection fails after 10 s instead of PgBouncer's 120 s, so a
      // stuck pool shows as errors within the window's hung bound.
      settings: { query_wait_timeout: 10 },
      onLog: (line) => logLines.push(line),
    });
    await admin.connect();
    // In child processes: the load keeps this event loop busy, which would stretch the interval.
    for (const mode of ['direct', 'bouncer']) samplers[mode] = await forkConnectionSampler(adminUrl, DATABASES[mode], { everyMs: 10 });
    const urlOf = { direct: urls[DATABASES.direct], bouncer: bouncer.url(DATABASES.bouncer, { pgbouncerFlag: true }) };

    // Warm-up, untimed: create every instance and run its first query, one at a time (the first
    // getClient builds a Prisma client, its query compiler included, and blocks the event loop;
    // 100 at once would time out each other's first health check). Direct and bouncer alternate,
    // ABBA, so the first-query times compare like the windows do.
    const first = async (mode) => {
      const db = instance(projects.one, urlOf[mode]);
      sets[mode].instances.push(db);
      const started = performance.now();
      await (await db.getClient('user')).user.findUnique({ where: { id: 1 } }).catch((error) => errors.record(mode, 'first query', error));
      firstQueryMs[mode].push(performance.now() - started);
    };
    for (let i = 0; i < INSTANCES; i++) {
      for (const mode of i % 2 === 0 ? ['direct', 'bouncer'] : ['bouncer', 'direct']) await first(mode);
    }
    for (const set of Object.values(sets)) set.steps = set.instances.map((db, i) => workload(db, i));
    log(`  ${INSTANCES} + ${INSTANCES} instances ready; first query p50 direct ${quantile(firstQueryMs.direct, 0.5).toFixed(1)} ms, bouncer ${quantile(firstQueryMs.bouncer, 0.5).toFixed(1)} ms; RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`);

    // One short window of each set, discarded: JIT and caches warm before any figure counts.
    const options = { ...timing, admin, errors, log };
    const bouncerOptions = { ...options, poolerPid: bouncer.pid };
    const warm = { rampMs: 0, windowMs: quick ? 300 : 1_000 };
    await runWindow(sets.direct, { ...options, ...warm });
    await runWindow(sets.bouncer, { ...bouncerOptions, ...warm });
    collectGarbage();

    const before = await poolerCounters(bouncer);
    const logged = async (window) => {
      log(`  ${summaryLine(window)}`);
      return window;
    };
    windows = await interleave(
      pairs,
      async () => logged(await runWindow(sets.direct, options)),
      async () => logged(await runWindow(sets.bouncer, bouncerOptions)),
      async () => collectGarbage(), // between windows, untimed: one set's garbage is not collected on the other's time
    );
    const after = await poolerCounters(bouncer);
    if (before && after) {
      const transactions = after.transactions - before.transactions;
      counters = {
        transactions,
        // Per transaction through PgBouncer: waiting for a server connection, then holding it.
        // PgBouncer's xact time runs from the client's first query, so it includes the wait.
        waitMs: (after.waitMicros - before.waitMicros) / 1000 / Math.max(1, transactions),
        heldMs: (after.xactMicros - before.xactMicros - (after.waitMicros - before.waitMicros)) / 1000 / Math.max(1, transactions),
      };
    }
  } finally {
    await Promise.allSettled([...sets.direct.instances, ...sets.bouncer.instances].map((db) => db.disconnectAll()));
    await admin.end().catch(() => {});
    await bouncer?.close().catch((error) => log(`  closing PgBouncer failed: ${error.message}`));
    fs.mkdirSync(LOG_DIR, { recursive: true });
    fs.writeFileSync(path.join(LOG_DIR, 'pooler-pgbouncer.log'), logLines.map((line) => `${line}\n`).join(''));
    for (const sampler of Object.values(samplers)) await sampler.stop().catch(() => {});
  }

  // Server connections per database, as sampled; each window's peak is its own set's count from
  // the start of its ramp to the end of its window.
  const sampled = {};
  for (const [mode, sampler] of Object.entries(samplers)) sampled[mode] = await sampler.stop();
  const peakBetween = (mode, from, to) => {
    const [start, end] = [performance.timeOrigin + from, performance.timeOrigin + to]; // sample times are epoch ms
    return Math.max(0, ...sampled[mode].samples.filter((s) => s.at >= start && s.at <= end).map((s) => s.n));
  };
  const { a: direct, b: pooled } = windows;
  for (const w of [...direct, ...pooled]) w.peak = peakBetween(w.mode, w.rampStart, w.windowEnd);
  const mostEver = (mode) => Math.max(0, ...sampled[mode].samples.map((s) => s.n));
  log(
    `  most server connections per window: direct ${direct.map((w) => w.peak).join(' ')}, bouncer ${pooled.map((w) => w.peak).join(' ')}; ` +
      `ever (${sampled.direct.samples.length} + ${sampled.bouncer.samples.length} samples): direct ${mostEver('direct')}, bouncer ${mostEver('bouncer')}`,
  );
  if (counters) log(`  through PgBouncer, per transaction: ${counters.waitMs.toFixed(1)} ms waiting for a server connection, ${counters.heldMs.toFixed(1)} ms holding it`);

  const ratio = summarize(pooled.map((w, i) => w.opsPerSec / direct[i].opsPerSec));
  const directOps = summarize(direct.map((w) => w.opsPerSec));
  const pooledOps = summarize(pooled.map((w) => w.opsPerSec));
  const peaks = { direct: summarize(direct.map((w) => w.peak)), bouncer: summarize(pooled.map((w) => w.peak)) };
  const most = { direct: mostEver('direct'), bouncer: mostEver('bouncer') };
  const firstRatio = summarize(firstQueryMs.bouncer.map((ms, i) => ms / firstQueryMs.direct[i]));
  const cpuOf = (list) => ({
    driverMsPerOp: summarize(list.map((w) => w.cpu.driverMsPerOp)).median,
    serverMsPerOp: summarize(list.map((w) => w.cpu.serverMsPerOp)).median,
    pgbouncerMsPerOp: summarize(list.map((w) => w.cpu.pgbouncerMsPerOp ?? Number.NaN)).median,
    machineBusy: summarize(list.map((w) => w.cpu.machineBusy)).median,
    eventLoopUtilization: summarize(list.map((w) => w.eventLoopUtilization)).median,
  });
  const setup = {
    pgbouncer: availability.version,
    instances: INSTANCES,
    poolPerInstance: 1,
    defaultPoolSize: POOL_SIZE,
    poolMode: 'transaction',
    pairs,
    ...timing,
    samples: { direct: sampled.direct.samples.length, bouncer: sampled.bouncer.samples.length },
    samplerFailures: { direct: sampled.direct.failures, bouncer: sampled.bouncer.failures },
    pgbouncerLog: path.relative(process.cwd(), path.join(LOG_DIR, 'pooler-pgbouncer.log')),
  };
  const timedOps = (list) => list.reduce((sum, w) => sum + w.ops, 0);
  return [
    {
      figure: 'throughput ratio bouncer / direct (ops/s; read, write, transaction in turn)',
      baseline: `direct ${Math.round(directOps.median)} ops/s (bouncer ${Math.round(pooledOps.median)}); ${INSTANCES} instances, pool max 1 each`,
      value: ratio.median,
      unit: '×',
      spread: [ratio.min, ratio.max],
      target: 'report',
      pass: null,
      detail: {
        ...setup,
        ratio,
        directOpsPerSec: directOps,
        bouncerOpsPerSec: pooledOps,
        cpu: { direct: cpuOf(direct), bouncer: cpuOf(pooled) },
        pgbouncerPerTransaction: counters,
        windows: { direct, bouncer: pooled },
      },
    },
    {
      figure: 'most server connections through PgBouncer (pg_stat_activity)',
      baseline: `default_pool_size ${POOL_SIZE}, transaction mode, PgBouncer ${availability.version}`,
      value: most.bouncer,
      unit: 'conns',
      spread: [peaks.bouncer.min, peaks.bouncer.max],
      target: `≤ ${POOL_SIZE}`,
      pass: most.bouncer <= POOL_SIZE,
      detail: { mostEver: most.bouncer, perWindow: pooled.map((w) => w.peak) },
    },
    {
      figure: 'most server connections direct (pg_stat_activity)',
      baseline: `${INSTANCES} instances × pool max 1`,
      value: most.direct,
      unit: 'conns',
      spread: [peaks.direct.min, peaks.direct.max],
      target: 'report',
      pass: null,
      detail: { mostEver: most.direct, perWindow: direct.map((w) => w.peak) },
    },
    {
      figure: 'errors through PgBouncer (warm-up included)',
      baseline: `${timedOps(pooled)} operations timed`,
      value: errors.counts.bouncer,
      unit: '',
      target: '0',
      pass: errors.counts.bouncer === 0,
      detail: { samples: errors.samples.bouncer },
    },
    {
      figure: 'errors direct (warm-up included)',
      baseline: `${timedOps(direct)} operations timed`,
      value: errors.counts.direct,
      unit: '',
      target: '0',
      pass: errors.counts.direct === 0,
      detail: { samples: errors.samples.direct },
    },
    {
      figure: "an instance's first query (new client, connection, findUnique), bouncer / direct",
      baseline: `direct p50 ${quantile(firstQueryMs.direct, 0.5).toFixed(1)} ms, bouncer p50 ${quantile(firstQueryMs.bouncer, 0.5).toFixed(1)} ms`,
      value: firstRatio.median,
      unit: '×',
      spread: [firstRatio.min, firstRatio.max],
      target: 'report',
      pass: null,
      detail: { ratio: firstRatio, directMs: summarize(firstQueryMs.direct), bouncerMs: summarize(firstQueryMs.bouncer) },
    },
  ];
}
