import { expect, test } from '@jest/globals';
import { roundMs } from './milliseconds.js';

test('durations are whole milliseconds, tenths below 10 ms; undefined stays undefined', () => {
  expect(roundMs(540.4225986856654)).toBe(540);
  expect(roundMs(23.098625999999967)).toBe(23);
  expect(roundMs(0.2661)).toBe(0.3);
  expect(roundMs(0)).toBe(0);
  expect(roundMs(undefined)).toBeUndefined();
});
