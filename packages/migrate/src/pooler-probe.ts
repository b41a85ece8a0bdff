// Is this URL a transaction pooler (PgBouncer `pool_mode = transaction`, and alike)? Poolers do not
// announce themselves on the wire, so this asks the server which process serves each query.
//
// Connection A runs `SELECT pg_backend_pid()` (p1) and stays open; connection B, opened after it,
// runs the same (p2); A runs it again (p3). That is one round; A stays for the next, B is new each. Straight to Postgres a backend process belongs to one
// client connection for its whole life, so p2 ≠ p1 and p3 = p1, always: the probe never fires on
// a direct connection. A transaction pooler hands a server connection back to its pool after each
// transaction, so B is usually given the one A just released (PgBouncer reuses the most recently
// used first: p2 = p1), or A moves to another (p3 ≠ p1). A session pooler keeps A on its server
// connection, so it reads as direct, which is right: sessions work there.
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { scrubSecrets } from '@kusto/db';
import type pg from 'pg';
import { DRIVER_PACKAGES, loadDriver } from './drivers.js';
import { splitSchemaParameter } from './dialects/postgres/connection.js';

/** Defaults of {@link PoolerProbeOptions}, applied with `??`. */
export const POOLER_PROBE_DEFAULTS = {
  timeoutMs: 5_000,
  rounds: 3,
} as const;

/** One client connection of the probe. */
export interface ProbeConnection {
  /** Runs `SELECT pg_backend_pid()`: the id of the server process that served this query. */
  backendPid(): Promise<number>;
  /** `graceful` says goodbye to the server; `abort` drops the socket at once (time-out, failure). */
  close(mode: 'graceful' | 'abort'): Promise<void>;
}

/** Opens one probe connection; must give up after `connectTimeoutMs`. */
export type OpenProbeConnection = (url: string, connectTimeoutMs: number, driverDirs?: readonly string[]) => Promise<ProbeConnection>;

/** Options of {@link probeTransactionPooler}. */
export interface PoolerProbeOptions {
  /** The URL to probe (Postgres). Never echoed: messages show it without the password. */
  readonly url: string;
  /**
   * How long the whole probe may take, connections included, before it gives up with verdict
   * `undecided`. Default 5 000 ms ({@link POOLER_PROBE_DEFAULTS}).
   */
  readonly timeoutMs?: number | undefined;
  /**
   * How many times the three queries run (A stays open, B is a fresh connection each time)
   * before the URL counts as direct. A pooler that a busy neighbour made look direct once shows
   * itself in another round; a direct URL never fires in any. Default 3 ({@link POOLER_PROBE_DEFAULTS}).
   */
  readonly rounds?: number | undefined;
  /** Folders `pg` is looked for from before `@kusto/migrate`'s own (the project's first). Default none. */
  readonly driverDirs?: readonly string[] | undefined;
  /** Opens a connection. Default: a `pg.Client` on a socket the probe can drop. */
  readonly open?: OpenProbeConnection | undefined;
  /** Monotonic milliseconds for `durationMs` and the deadline. Default `performance.now`. */
  readonly monotonic?: (() => number) | undefined;
}

/** The three backend ids of one round. */
export interface PoolerProbeRound {
  /** A's first query. */
  readonly first: number;
  /** B's query, while A stays connected. */
  readonly second: number;
  /** A's second query. */
  readonly firstAgain: number;
}

/**
 * `direct`: every round behaved as only a direct (or session-pooled) connection can.
 * `transactionPooler`: a round showed a server connection shared or swapped between transactions.
 * `undecided`: the probe could not finish (time-out, connection or query failure).
 */
export type PoolerVerdict = 'direct' | 'transactionPooler' | 'undecided';

export interface PoolerProbeResult {
  readonly verdict: PoolerVerdict;
  /** The rounds that completed, in order. */
  readonly rounds: readonly PoolerProbeRound[];
  /** What decided it: the evidence for `transactionPooler`, the failure for `undecided`. */
  readonly reason: string;
  /**
   * Whether the probe's first connection opened. `false` (always with `undecided`): the server could
   * not be reached, refused the login or did not answer in time, so the work that follows will fail
   * to connect too and report that itself; the pooler question is moot.
   */
  readonly connected: boolean;
  readonly durationMs: number;
}

/** What one round says: only a pooler can produce `pooled: true`. */
export type RoundJudgement = { readonly pooled: false } | { readonly pooled: true; readonly evidence: string };

/** The decision for one round (see the module comment for why it never fires on a direct connection). */
export function judgeRound(round: PoolerProbeRound): RoundJudgement {
  if (round.second === round.first) {
    return { pooled: true, evidence: `a second connection was served by the first one's server process (pid ${round.first}) while the first stayed open` };
  }
  if (round.firstAgain !== round.first) {
    return { pooled: true, evidence: `one connection was served by server process ${round.first}, then by ${round.firstAgain}` };
  }
  return { pooled: false };
}

/**
 * The verdict over the rounds so far (connection A stays open across them): the first pooled
 * round decides, and so does A turning up on another server process between rounds; otherwise
 * direct once `wanted` rounds passed.
 */
export function judgeRounds(rounds: readonly PoolerProbeRound[], wanted: number): { verdict: PoolerVerdict; reason: string } | undefined {
  for (const [index, round] of rounds.entries()) {
    const judgement = judgeRound(round);
    if (judgement.pooled) return { verdict: 'transactionPooler', reason: judgement.evidence };
    const previous = rounds[index - 1];
    if (previous !== undefined && previous.firstAgain !== round.first) {
      return { verdict: 'transactionPooler', reason: `one connection was served by server process ${previous.firstAgain}, then by ${round.first}` };
    }
  }
  if (rounds.length >= wanted) {
    return { verdict: 'direct', reason: `each connection kept its own server process in ${rounds.length} round${rounds.length === 1 ? '' : 's'}` };
  }
  return undefined;
}

/** The default {@link OpenProbeConnection}: `pg.Client` over a socket the probe owns, so `abort` never waits for the server. */
export const openPgProbeConnection: OpenProbeConnection = async (url, connectTimeoutMs, driverDirs = []) => {
  const { Client } = await loadDriver<typeof pg>(DRIVER_PACKAGES.postgresql, 'postgresql', driverDirs);
  const socket = new net.Socket();
  const client = new Client({
    connectionString: splitSchemaParameter(url).url,
    connectionTimeoutMillis: Math.max(1, Math.ceil(connectTimeoutMs)),
    application_name: 'kusto-db pooler probe',
    stream: () => socket,
  });
  // A dropped connection must not crash the process; the pending query fails instead.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    socket.destroy();
    throw error;
  }
  return {
    backendPid: async () => {
      const result = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const pid = result.rows[0]?.pid;
      if (typeof pid !== 'number') throw new Error('SELECT pg_backend_pid() returned no number');
      return pid;
    },
    close: async (mode) => {
      if (mode === 'graceful') await client.end().catch(() => undefined);
      socket.destroy();
    },
  };
};

class ProbeTimedOut extends Error {
  constructor() {
    super('the probe was stopped');
  }
}

/**
 * Tells whether `url` goes through a transaction pooler, within `timeoutMs`. Never throws: a
 * failure or time-out is verdict `undecided` with the reason (password removed). Every connection
 * it opened is closed and its timer cleared before it resolves.
 */
export async function probeTransactionPooler(options: PoolerProbeOptions): Promise<PoolerProbeResult> {
  const timeoutMs = options.timeoutMs ?? POOLER_PROBE_DEFAULTS.timeoutMs;
  const wanted = Math.max(1, options.rounds ?? POOLER_PROBE_DEFAULTS.rounds);
  const open = options.open ?? openPgProbeConnection;
  const monotonic = options.monotonic ?? (() => performance.now());
  const started = monotonic();
  const rounds: PoolerProbeRound[] = [];
  const live = new Set<ProbeConnection>();
  // `stopped`: decided, failed or timed out; a connection that opens after that is dropped at once.
  let state: 'running' | 'stopped' = 'running';
  let connected = false;

  const connect = async (): Promise<ProbeConnection> => {
    const connection = await open(options.url, timeoutMs - (monotonic() - started), options.driverDirs ?? []);
    // Opened after the deadline: nobody will use it, drop it now.
    if (state !== 'running') {
      await connection.close('abort');
      throw new ProbeTimedOut();
    }
    live.add(connection);
    connected = true;
    return connection;
  };
  const closeAll = async (mode: 'graceful' | 'abort') => {
    const connections = [...live];
    live.clear();
    await Promise.all(connections.map((connection) => connection.close(mode).catch(() => undefined)));
  };

  // A stays open for every round; each round opens a fresh B and closes it again.
  const work = async (): Promise<{ verdict: PoolerVerdict; reason: string }> => {
    const a = await connect();
    for (;;) {
      const first = await a.backendPid();
      const b = await connect();
      const second = await b.backendPid();
      const firstAgain = await a.backendPid();
      if (state !== 'running') throw new ProbeTimedOut();
      rounds.push({ first, second, firstAgain });
      await b.close('graceful');
      live.delete(b);
      const decided = judgeRounds(rounds, wanted);
      if (decided) return decided;
    }
  };

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, timeoutMs));
  });
  let outcome: { verdict: PoolerVerdict; reason: string };
  try {
    const raced = await Promise.race([
      work().then(
        (decided) => ({ decided }),
        (error: unknown) => ({ error }),
      ),
      deadline,
    ]);
    if (raced === 'timeout') {
      outcome = { verdict: 'undecided', reason: `no answer within ${timeoutMs} ms` };
    } else if ('decided' in raced) {
      outcome = raced.decided;
    } else {
      const message = raced.error instanceof Error ? raced.error.message : String(raced.error);
      outcome = { verdict: 'undecided', reason: scrubSecrets(message, options.url) };
    }
  } finally {
    clearTimeout(timer);
    state = 'stopped';
  }
  // After a time-out or failure a connection may be stuck mid-query: drop it rather than wait.
  await closeAll(outcome.verdict === 'undecided' ? 'abort' : 'graceful');
  return { ...outcome, connected, rounds: [...rounds], durationMs: monotonic() - started };
}
