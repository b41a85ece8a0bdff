import { expect, test } from '@jest/globals';
import { backoffDelay, jitteredCooldown, nextCooldown } from './backoff.js';

test('backoff doubles per attempt and stays within [half, full] of the exponential step', () => {
  expect(backoffDelay(1, 100, 2_000, () => 0)).toBe(50);
  expect(backoffDelay(1, 100, 2_000, () => 0.999999)).toBeCloseTo(100, 2);
  expect(backoffDelay(3, 100, 2_000, () => 0.5)).toBe(300);
});

test('backoff and cooldown are capped', () => {
  expect(backoffDelay(20, 100, 2_000, () => 1)).toBe(2_000);
  expect(nextCooldown(250, 30_000)).toBe(500);
  expect(nextCooldown(20_000, 30_000)).toBe(30_000);
});

test('a cooldown is jittered within [2/3, 1] of itself, so probes from many processes spread out', () => {
  expect(jitteredCooldown(750, () => 0)).toBe(500);
  expect(jitteredCooldown(750, () => 0.5)).toBeCloseTo(625, 6);
  expect(jitteredCooldown(750, () => 0.999999)).toBeCloseTo(750, 2);
});
