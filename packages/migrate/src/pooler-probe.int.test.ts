import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pgbouncerAvailability, startTestPgBouncer, type TestDatabase } from '@kusto/test-servers/testing';
import type { PgBouncer } from '@kusto/test-servers';
import { probeTransactionPooler } from './pooler-probe.js';
import { freshDatabases } from '@kusto/test-servers/migration-fixtures';

// The probe against the real thing: Postgres itself, and a real PgBouncer in each pool mode.

const freshDatabase = freshDatabases();
const availability = await pgbouncerAvailability();
const withPgBouncer = availability.available ? describe : describe.skip;
const bouncerTitle = (mode: string) =>
  availability.available
    ? `through PgBouncer ${availability.version}, pool_mode = ${mode}`
    : `through PgBouncer, pool_mode = ${mode} (skipped: ${availability.reason})`;

let database: TestDatabase;
beforeAll(async () => {
  database = await freshDatabase('pooler_probe');
});

describe('straight to Postgres', () => {
  it('never fires: 25 probes in a row all say direct', async () => {
    const verdicts = new Set<string>();
    for (let run = 0; run < 25; run++) {
      const result = await probeTransactionPooler({ url: database.url });
      verdicts.add(result.verdict);
      for (const round of result.rounds) {
        expect(round.second).not.toBe(round.first);
        expect(round.firstAgain).toBe(round.first);
      }
    }
    expect([...verdicts]).toEqual(['direct']);
  });

  it('never fires with probes of several processes overlapping on the same database', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => probeTransactionPooler({ url: database.url })));
    expect(results.map((result) => result.verdict)).toEqual(Array(10).fill('direct'));
  });

  it('a refused connection is undecided, with the reason', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const result = await probeTransactionPooler({ url: `postgresql://app:pw@127.0.0.1:${port}/x` });
    expect(result.verdict).toBe('undecided');
    expect(result.reason).toMatch(/ECONNREFUSED/);
  });

  it('a server that accepts TCP and never answers is undecided once the probe time runs out', async () => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as net.AddressInfo;
      const result = await probeTransactionPooler({ url: `postgresql://app:pw@127.0.0.1:${port}/x`, timeoutMs: 300 });
      expect(result.verdict).toBe('undecided');
      expect(result.rounds).toEqual([]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

for (const mode of ['transaction', 'statement'] as const) {
  withPgBouncer(bouncerTitle(mode), () => {
    let bouncer: PgBouncer;
    beforeAll(async () => {
      bouncer = await startTestPgBouncer({ poolMode: mode });
    });
    afterAll(async () => {
      await bouncer?.close();
    });

    it('finds the pooler every time (20 probes)', async () => {
      for (let run = 0; run < 20; run++) {
        const result = await probeTransactionPooler({ url: bouncer.url(database.name) });
        expect(result.verdict).toBe('transactionPooler');
        expect(result.reason).toMatch(/server process/);
      }
    });

    it('the pgbouncer=true flag changes nothing about what it finds (pg never sees the flag)', async () => {
      const result = await probeTransactionPooler({ url: bouncer.url(database.name, { pgbouncerFlag: true }) });
      expect(result.verdict).toBe('transactionPooler');
    });
  });
}

withPgBouncer(bouncerTitle('session'), () => {
  let bouncer: PgBouncer;
  beforeAll(async () => {
    bouncer = await startTestPgBouncer({ poolMode: 'session' });
  });
  afterAll(async () => {
    await bouncer?.close();
  });

  it('lets it through every time: a client keeps its server connection (20 probes)', async () => {
    for (let run = 0; run < 20; run++) {
      const result = await probeTransactionPooler({ url: bouncer.url(database.name) });
      expect(result.verdict).toBe('direct');
    }
    // It did go through PgBouncer: its pool for the database served those clients.
    const pools = await bouncer.showPools();
    expect(pools.some((pool) => pool.database === database.name)).toBe(true);
  });

  it('a stopped PgBouncer is undecided, not a verdict', async () => {
    await bouncer.stop();
    try {
      const result = await probeTransactionPooler({ url: bouncer.url(database.name) });
      expect(result.verdict).toBe('undecided');
    } finally {
      await bouncer.start();
    }
  });
});
