import { describe, expect, it } from '@jest/globals';
import {
  judgeRound,
  judgeRounds,
  POOLER_PROBE_DEFAULTS,
  probeTransactionPooler,
  type OpenProbeConnection,
  type ProbeConnection,
} from './pooler-probe.js';

// The decision logic, and the probe driven against simulated servers: Postgres itself (one backend
// per client connection), a transaction pooler (a backend per transaction, most recently released
// first, as PgBouncer does) and a session pooler (a backend per client connection, reused after).

const URL = 'postgresql://app:s3cret-pass@pooler.example:6432/app';

/** Records every connection opened and how it was closed. */
interface Recorder {
  readonly open: OpenProbeConnection;
  readonly opened: number;
  readonly closes: Array<'graceful' | 'abort'>;
  readonly timeouts: number[];
}

function recorder(makeConnection: () => Promise<{ backendPid(): Promise<number>; closed?(): void }>): Recorder {
  const state = { opened: 0, closes: [] as Array<'graceful' | 'abort'>, timeouts: [] as number[] };
  return {
    get opened() {
      return state.opened;
    },
    closes: state.closes,
    timeouts: state.timeouts,
    open: async (url, connectTimeoutMs) => {
      expect(url).toBe(URL);
      state.timeouts.push(connectTimeoutMs);
      const inner = await makeConnection();
      state.opened++;
      const connection: ProbeConnection = {
        backendPid: () => inner.backendPid(),
        close: (mode) => {
          state.closes.push(mode);
          inner.closed?.();
          return Promise.resolve();
        },
      };
      return connection;
    },
  };
}

/** Postgres: every client connection has its own backend for life. */
function directServer() {
  let next = 100;
  return () => {
    const pid = next++;
    return Promise.resolve({ backendPid: () => Promise.resolve(pid) });
  };
}

/** A transaction pooler: each query borrows an idle server connection, most recently released first. */
function transactionPooler(options: { readonly fifo?: boolean; readonly warm?: readonly number[] } = {}) {
  const idle: number[] = [...(options.warm ?? [])];
  let next = 500;
  return () =>
    Promise.resolve({
      backendPid: () => {
        const pid = (options.fifo ? idle.shift() : idle.pop()) ?? next++;
        idle.push(pid);
        return Promise.resolve(pid);
      },
    });
}

/** A session pooler: a client keeps one server connection until it disconnects; then it is reused. */
function sessionPooler() {
  const idle: number[] = [];
  let next = 900;
  return () => {
    const pid = idle.pop() ?? next++;
    return Promise.resolve({ backendPid: () => Promise.resolve(pid), closed: () => void idle.push(pid) });
  };
}

describe('judgeRound', () => {
  it('a direct connection: B has its own backend and A keeps its own', () => {
    expect(judgeRound({ first: 10, second: 11, firstAgain: 10 })).toEqual({ pooled: false });
  });

  it("B served by A's backend while A is open can only be a pooler", () => {
    expect(judgeRound({ first: 10, second: 10, firstAgain: 10 })).toEqual({ pooled: true, evidence: expect.stringContaining('pid 10') });
  });

  it('A moving to another backend can only be a pooler', () => {
    expect(judgeRound({ first: 10, second: 11, firstAgain: 12 })).toEqual({ pooled: true, evidence: expect.stringMatching(/served by server process 10, then by 12/) });
  });
});

describe('judgeRounds', () => {
  it('undecided until the wanted rounds passed; then direct', () => {
    const direct = { first: 1, second: 2, firstAgain: 1 };
    expect(judgeRounds([direct], 2)).toBeUndefined();
    expect(judgeRounds([direct, direct], 2)).toEqual({ verdict: 'direct', reason: expect.stringContaining('2 rounds') });
  });

  it('any pooled round decides, whatever came before', () => {
    const direct = { first: 1, second: 2, firstAgain: 1 };
    expect(judgeRounds([direct, { first: 1, second: 1, firstAgain: 1 }], 5)?.verdict).toBe('transactionPooler');
  });

  it('A (open across rounds) on another backend in the next round decides', () => {
    expect(judgeRounds([{ first: 1, second: 2, firstAgain: 1 }, { first: 5, second: 6, firstAgain: 5 }], 5)).toEqual({
      verdict: 'transactionPooler',
      reason: 'one connection was served by server process 1, then by 5',
    });
  });
});

describe('probeTransactionPooler', () => {
  it('documents its defaults: 5 s in all, 3 rounds', async () => {
    expect(POOLER_PROBE_DEFAULTS).toEqual({ timeoutMs: 5_000, rounds: 3 });
    const server = recorder(directServer());
    const result = await probeTransactionPooler({ url: URL, open: server.open });
    expect(result.rounds).toHaveLength(POOLER_PROBE_DEFAULTS.rounds);
    for (const timeout of server.timeouts) {
      expect(timeout).toBeGreaterThan(0);
      expect(timeout).toBeLessThanOrEqual(POOLER_PROBE_DEFAULTS.timeoutMs);
    }
  });

  it('never fires on a direct connection, and closes every connection it opened (A once, a B per round)', async () => {
    for (let run = 0; run < 50; run++) {
      const server = recorder(directServer());
      const result = await probeTransactionPooler({ url: URL, open: server.open, rounds: 3 });
      expect(result.verdict).toBe('direct');
      expect(server.opened).toBe(4);
      expect(server.closes).toEqual(Array(4).fill('graceful'));
    }
  });

  it('finds a transaction pooler in the first round (LIFO reuse: B gets the backend A released)', async () => {
    const server = recorder(transactionPooler());
    const result = await probeTransactionPooler({ url: URL, open: server.open });
    expect(result).toMatchObject({ verdict: 'transactionPooler', rounds: [{ first: 500, second: 500, firstAgain: 500 }] });
    expect(result.reason).toMatch(/second connection was served by the first one's server process \(pid 500\)/);
    expect(server.closes).toEqual(['graceful', 'graceful']);
  });

  it('finds a warm round-robin (FIFO) transaction pooler: B gets another backend, but A moves', async () => {
    const result = await probeTransactionPooler({ url: URL, open: recorder(transactionPooler({ fifo: true, warm: [1, 2, 3] })).open });
    expect(result).toMatchObject({ verdict: 'transactionPooler', rounds: [{ first: 1, second: 2, firstAgain: 3 }] });
    expect(result.reason).toMatch(/served by server process 1, then by 3/);
  });

  it('lets a session pooler through: a client keeps its backend', async () => {
    const result = await probeTransactionPooler({ url: URL, open: recorder(sessionPooler()).open });
    expect(result.verdict).toBe('direct');
    expect(result.rounds.every((round) => round.first === round.firstAgain && round.first !== round.second)).toBe(true);
  });

  /** Answers every `pg_backend_pid()`, whichever connection asks, from `pids` in order. */
  const scripted = (pids: number[]) => recorder(() => Promise.resolve({ backendPid: () => Promise.resolve(pids.shift()!) })).open;

  it('a round a busy neighbour made look direct is outvoted by the next one', async () => {
    const result = await probeTransactionPooler({ url: URL, open: scripted([1, 2, 1, 1, 1, 1]) });
    expect(result).toMatchObject({ verdict: 'transactionPooler', rounds: [{ first: 1, second: 2, firstAgain: 1 }, { first: 1, second: 1, firstAgain: 1 }] });
  });

  it('A turning up on another server process between rounds gives a pooler away too', async () => {
    const result = await probeTransactionPooler({ url: URL, open: scripted([1, 2, 1, 3, 4, 3]) });
    expect(result).toMatchObject({ verdict: 'transactionPooler', reason: 'one connection was served by server process 1, then by 3' });
  });

  it('a server that never answers: undecided after the time-out, and a connection that opens late is dropped', async () => {
    let release: (() => void) | undefined;
    const late = new Promise<void>((resolve) => (release = resolve));
    const server = recorder(async () => {
      await late;
      return { backendPid: () => Promise.resolve(1) };
    });
    const result = await probeTransactionPooler({ url: URL, open: server.open, timeoutMs: 20 });
    expect(result).toMatchObject({ verdict: 'undecided', reason: 'no answer within 20 ms', rounds: [], connected: false });
    release!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(server.closes).toEqual(['abort']);
  });

  it('a failing query: undecided with the reason, password removed, connections dropped', async () => {
    const server = recorder(() => Promise.resolve({ backendPid: () => Promise.reject(new Error(`boom at ${URL}`)) }));
    const result = await probeTransactionPooler({ url: URL, open: server.open });
    expect(result.verdict).toBe('undecided');
    expect(result.reason).toContain('boom at');
    expect(result.reason).not.toContain('s3cret-pass');
    expect(result.connected).toBe(true);
    expect(server.closes).toEqual(['abort']);
  });

  it('a connection that cannot open: undecided with the reason', async () => {
    const result = await probeTransactionPooler({ url: URL, open: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6432')) });
    expect(result).toMatchObject({ verdict: 'undecided', reason: 'connect ECONNREFUSED 127.0.0.1:6432', connected: false });
  });

  it('clears its deadline timer on every path', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    await probeTransactionPooler({ url: URL, open: recorder(directServer()).open });
    await probeTransactionPooler({ url: URL, open: recorder(transactionPooler()).open });
    await probeTransactionPooler({ url: URL, open: () => Promise.reject(new Error('no')) });
    expect(timers()).toBe(before);
  });

  it('durationMs comes from the injected clock', async () => {
    let now = 1_000;
    const result = await probeTransactionPooler({
      url: URL,
      monotonic: () => (now += 5),
      open: recorder(directServer()).open,
      rounds: 1,
    });
    expect(result.durationMs).toBeGreaterThan(0);
    expect(result.durationMs % 5).toBe(0);
  });
});
