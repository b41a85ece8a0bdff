import { expect, test } from '@jest/globals';
import { createProcessInterrupts, resolveContext } from './context.js';

test('createProcessInterrupts installs one pair of process listeners however many subscribe, and removes it with the last', () => {
  const before = { int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') };
  const source = createProcessInterrupts();
  const heard: string[] = [];
  const unsubscribers = Array.from({ length: 20 }, (_, i) => source((signal) => heard.push(`${i}:${signal}`)));
  expect(process.listenerCount('SIGINT')).toBe(before.int + 1);
  expect(process.listenerCount('SIGTERM')).toBe(before.term + 1);
  process.emit('SIGINT', 'SIGINT');
  expect(heard).toHaveLength(20);
  for (const unsubscribe of unsubscribers) unsubscribe();
  expect(process.listenerCount('SIGINT')).toBe(before.int);
  expect(process.listenerCount('SIGTERM')).toBe(before.term);
});

test('the reader of stdout going away (EPIPE) is an interrupt, SIGPIPE, while anyone is subscribed', () => {
  const before = process.stdout.listenerCount('error');
  const source = createProcessInterrupts();
  const heard: string[] = [];
  const unsubscribe = source((signal) => heard.push(signal));
  expect(process.stdout.listenerCount('error')).toBe(before + 1);
  process.stdout.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
  expect(heard).toEqual(['SIGPIPE']);
  unsubscribe();
  expect(process.stdout.listenerCount('error')).toBe(before);
});

test('every context field has a real default', () => {
  const context = resolveContext();
  expect(context.cwd).toBe(process.cwd());
  expect(context.env).toBe(process.env);
  for (const key of ['prompt', 'spawn', 'onInterrupt', 'now', 'sleep', 'poolerProbe'] as const) expect(typeof context[key]).toBe('function');
});
