import { expect, test } from '@jest/globals';
import type { InterruptSource } from '../context.js';
import { countdown, DEFAULT_COUNTDOWN_SECONDS, resolveWaitSeconds } from './countdown.js';

function world() {
  const lines: string[] = [];
  const sleeps: number[] = [];
  let interrupt: ((signal: NodeJS.Signals) => void) | undefined;
  let subscribed = 0;
  const onInterrupt: InterruptSource = (listener) => {
    interrupt = listener;
    subscribed++;
    return () => {
      subscribed--;
      interrupt = undefined;
    };
  };
  const context = {
    io: { out: (line: string) => void lines.push(line), err: (line: string) => void lines.push(line) },
    onInterrupt,
    sleep: (ms: number) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  };
  return { context, lines, sleeps, fire: () => interrupt?.('SIGINT'), subscribed: () => subscribed };
}

test('the default wait is DEFAULT_COUNTDOWN_SECONDS (10 s)', () => {
  expect(DEFAULT_COUNTDOWN_SECONDS).toBe(10);
  expect(resolveWaitSeconds(undefined, false)).toBe(DEFAULT_COUNTDOWN_SECONDS);
});

test('--wait may lengthen the countdown; shortening it needs --force', () => {
  expect(resolveWaitSeconds(30, false)).toBe(30);
  expect(() => resolveWaitSeconds(3, false)).toThrow(/shorter than the default 10 s; add --force/);
  expect(resolveWaitSeconds(3, true)).toBe(3);
  expect(resolveWaitSeconds(0, true)).toBe(0);
  expect(() => resolveWaitSeconds(-1, true)).toThrow(/--wait must be a number of seconds/);
  expect(() => resolveWaitSeconds(Number.NaN, true)).toThrow(/--wait must be a number of seconds/);
  expect(() => resolveWaitSeconds('abc', true)).toThrow('--wait must be a number of seconds (0 or more), not "abc".');
  expect(() => resolveWaitSeconds('', true)).toThrow('not "".');
  expect(resolveWaitSeconds('2.5', true)).toBe(2.5);
  expect(resolveWaitSeconds('30', false)).toBe(30);
});

test('counts down one second at a time, then elapses and unsubscribes from Ctrl+C', async () => {
  const { context, lines, sleeps, subscribed } = world();
  expect(await countdown({ seconds: 3, label: 'deploy to "user"' }, context)).toBe('elapsed');
  expect(sleeps).toEqual([1000, 1000, 1000]);
  expect(lines).toEqual(['deploy to "user" starts in 3 s. Press Ctrl+C to abort.', '  3…', '  2…', '  1…']);
  expect(subscribed()).toBe(0);
});

test('Ctrl+C during the countdown aborts at once', async () => {
  const { context, lines, sleeps, fire, subscribed } = world();
  let ticks = 0;
  const sleep = (ms: number, signal: AbortSignal) => {
    sleeps.push(ms);
    if (++ticks === 2) fire();
    expect(signal.aborted).toBe(ticks === 2);
    return Promise.resolve();
  };
  expect(await countdown({ seconds: 10, label: 'deploy' }, { ...context, sleep })).toBe('aborted');
  expect(sleeps).toHaveLength(2);
  expect(lines.at(-1)).toBe('Aborted: nothing was changed.');
  expect(subscribed()).toBe(0);
});

test('the real sleep resolves early when aborted', async () => {
  const { resolveContext } = await import('../context.js');
  const controller = new AbortController();
  const pending = resolveContext({ io: { out: () => undefined, err: () => undefined } }).sleep(60_000, controller.signal);
  controller.abort();
  await expect(pending).resolves.toBeUndefined();
});
