import { describe, expect, test } from '@jest/globals';
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';
import { retryWhileBusy } from './busy-retry.js';

// The adapter's errors as it throws them: a DriverAdapterError whose cause is the mapped error.
const busy = (originalCode = 'SQLITE_BUSY') => Object.assign(new Error('database is locked'), { cause: { kind: 'SocketTimeout', originalCode } });
const QUERY: SqlQuery = { sql: 'INSERT INTO t VALUES (1)', args: [], argTypes: [] };

/** An adapter whose statements fail with `failures` in turn, then succeed; it records what ran. */
function fakeFactory(failures: Error[]) {
  const ran: string[] = [];
  const step = (what: string) => {
    ran.push(what);
    const failure = failures.shift();
    return failure ? Promise.reject(failure) : Promise.resolve();
  };
  const transaction: Transaction = {
    provider: 'sqlite',
    adapterName: 'fake',
    options: { usePhantomQuery: false },
    queryRaw: (q) => step(`tx ${q.sql}`).then(() => ({ columnNames: [], columnTypes: [], rows: [] })),
    executeRaw: (q) => step(`tx ${q.sql}`).then(() => 1),
    commit: () => Promise.resolve(),
    rollback: () => Promise.resolve(),
  };
  const adapter: SqlDriverAdapter = {
    provider: 'sqlite',
    adapterName: 'fake',
    queryRaw: (q) => step(q.sql).then(() => ({ columnNames: [], columnTypes: [], rows: [] })),
    executeRaw: (q) => step(q.sql).then(() => 1),
    executeScript: (script) => step(script),
    startTransaction: () => Promise.resolve(transaction),
    dispose: () => Promise.resolve(),
  };
  const factory: SqlDriverAdapterFactory = { provider: 'sqlite', adapterName: 'fake', connect: () => Promise.resolve(adapter) };
  return { factory, ran };
}

/** A clock that moves only when the retry sleeps, so the bound is reached by arithmetic, not time. */
function fakeClock() {
  let now = 0;
  const slept: number[] = [];
  return { now: () => now, sleep: (ms: number) => ((now += ms), slept.push(ms), Promise.resolve()), slept };
}

describe('retryWhileBusy', () => {
  test('a statement that finds the database locked runs again after growing pauses until it succeeds', async () => {
    const { factory, ran } = fakeFactory([busy(), busy(), busy(), busy('SQLITE_BUSY_RECOVERY')]);
    const clock = fakeClock();
    const adapter = await retryWhileBusy(factory, { boundMs: 1_000, ...clock }).connect();
    expect(await adapter.executeRaw(QUERY)).toBe(1);
    expect(ran).toHaveLength(5);
    expect(clock.slept).toEqual([5, 10, 20, 40]);
  });

  test('past the bound the last SQLITE_BUSY stands; the last pause ends at the bound', async () => {
    const { factory, ran } = fakeFactory(Array.from({ length: 100 }, () => busy()));
    const clock = fakeClock();
    const adapter = await retryWhileBusy(factory, { boundMs: 100, ...clock }).connect();
    await expect(adapter.queryRaw(QUERY)).rejects.toThrow('database is locked');
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBe(100);
    expect(ran.length).toBe(clock.slept.length + 1);
  });

  test('inside a transaction too; a stale WAL snapshot (SQLITE_BUSY_SNAPSHOT) and other errors are not retried', async () => {
    const { factory, ran } = fakeFactory([busy(), busy('SQLITE_BUSY_SNAPSHOT'), new Error('UNIQUE constraint failed')]);
    const clock = fakeClock();
    const adapter = await retryWhileBusy(factory, { boundMs: 1_000, ...clock }).connect();
    const tx = await adapter.startTransaction();
    await expect(tx.executeRaw(QUERY)).rejects.toThrow('database is locked');
    expect(ran).toEqual(['tx INSERT INTO t VALUES (1)', 'tx INSERT INTO t VALUES (1)']);
    await expect(tx.executeRaw(QUERY)).rejects.toThrow('UNIQUE');
    expect(ran).toHaveLength(3);
  });

  test('a script is never run again (statements before the locked one already took effect)', async () => {
    const { factory, ran } = fakeFactory([busy()]);
    const adapter = await retryWhileBusy(factory, { boundMs: 1_000, ...fakeClock() }).connect();
    await expect(adapter.executeScript('CREATE TABLE a (x); CREATE TABLE b (x);')).rejects.toThrow('database is locked');
    expect(ran).toHaveLength(1);
  });
});
