import { expect, test } from '@jest/globals';
import type { DatabaseFolder } from '@kusto/db';
import { MissingUrlError } from '@kusto/db';
import { capture } from '../test-support/project.js';
import { forEachDatabase, summarize, type DatabaseWork } from './for-each-database.js';

const folders = (...names: string[]) => names.map((name) => ({ name }) as DatabaseFolder);

/** A clock that advances by 250 ms on every read. */
function steppingClock() {
  let now = 0;
  return () => (now += 250);
}

test('never runs more than `concurrency` databases at once, and runs each once', async () => {
  let running = 0;
  let peak = 0;
  const seen: string[] = [];
  const work = async (folder: DatabaseFolder): Promise<DatabaseWork> => {
    running++;
    peak = Math.max(peak, running);
    seen.push(folder.name);
    await new Promise((resolve) => setImmediate(resolve));
    running--;
    return { result: 'ok' };
  };
  const { io } = capture();
  const outcomes = await forEachDatabase(folders('a', 'b', 'c', 'd', 'e'), work, { concurrency: 2, action: 'test' }, { io, now: steppingClock(), colors: false });
  expect(peak).toBe(2);
  expect(seen.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  expect(outcomes.map((outcome) => outcome.database)).toEqual(['a', 'b', 'c', 'd', 'e']);
});

test('prints a progress line per database with its time and detail; output of failures is shown indented', async () => {
  const { io, out } = capture();
  await forEachDatabase(
    folders('user', 'events'),
    (folder) => Promise.resolve<DatabaseWork>(folder.name === 'user' ? { result: 'ok', output: 'quiet' } : { result: 'failed', detail: 'exit 2', output: 'line 1\nline 2\n' }),
    { action: 'generate' },
    { io, now: steppingClock(), colors: false },
  );
  expect(out).toEqual(['✔ user generate ok (250 ms)', '✖ events generate failed (250 ms): exit 2', '    line 1', '    line 2']);
});

test('a user error in one database fails that database only; other errors are bugs and propagate', async () => {
  const { io } = capture();
  const outcomes = await forEachDatabase(
    folders('a', 'b'),
    (folder) => (folder.name === 'a' ? Promise.reject(new MissingUrlError('a', 'RDS_A_URL')) : Promise.resolve<DatabaseWork>({ result: 'ok' })),
    { action: 'x' },
    { io, now: steppingClock(), colors: false },
  );
  expect(outcomes.map((o) => [o.database, o.result])).toEqual([
    ['a', 'failed'],
    ['b', 'ok'],
  ]);
  expect(outcomes[0]!.detail).toMatch(/set the environment variable RDS_A_URL/);
  await expect(forEachDatabase(folders('a'), () => Promise.reject(new TypeError('bug')), { action: 'x' }, { io, now: steppingClock(), colors: false })).rejects.toThrow('bug');
});

test('summarize prints database, result, time and picks the exit code', () => {
  const { io, out } = capture();
  const ok = { database: 'user', result: 'ok', ms: 1500 } as const;
  expect(summarize([ok, { database: 'read-replica', result: 'failed', ms: 20 }], { io, colors: false })).toBe(1);
  expect(out.slice(1)).toEqual(['database      result  time', '------------  ------  ------', 'user          ok      1.50 s', 'read-replica  failed  20 ms']);
  expect(summarize([ok, { database: 'b', result: 'cancelled', ms: 1 }], { io, colors: false })).toBe(130);
  expect(summarize([ok], { io, colors: false })).toBe(0);
  expect(summarize([], { io, colors: false })).toBe(0);
});

test('after a cancellation, databases not started yet are reported cancelled and never run', async () => {
  const { io } = capture();
  const ran: string[] = [];
  const outcomes = await forEachDatabase(
    folders('a', 'b', 'c'),
    (folder) => {
      ran.push(folder.name);
      return Promise.resolve<DatabaseWork>({ result: folder.name === 'a' ? 'cancelled' : 'ok' });
    },
    { action: 'x', concurrency: 1 },
    { io, now: steppingClock(), colors: false },
  );
  expect(ran).toEqual(['a']);
  expect(outcomes.map((o) => [o.database, o.result, o.detail])).toEqual([
    ['a', 'cancelled', undefined],
    ['b', 'cancelled', 'not started'],
    ['c', 'cancelled', 'not started'],
  ]);
});
