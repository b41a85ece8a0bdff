import { expect, test } from '@jest/globals';
import { CODE_ALPHABET, CODE_LENGTH, createConfirmationCode } from './confirmation-code.js';

test('a code has CODE_LENGTH (4) characters from A–Z and 0–9', () => {
  expect(CODE_LENGTH).toBe(4);
  expect(CODE_ALPHABET).toBe('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
  for (let i = 0; i < 200; i++) expect(createConfirmationCode()).toMatch(/^[A-Z0-9]{4}$/);
});

test('each character is drawn from the injected source over the whole alphabet', () => {
  const asked: number[] = [];
  const picks = [0, 25, 26, 35];
  const code = createConfirmationCode((max) => {
    asked.push(max);
    return picks[asked.length - 1]!;
  });
  expect(code).toBe('AZ09');
  expect(asked).toEqual([36, 36, 36, 36]);
});

test('the default source is random: codes differ from run to run', () => {
  const codes = new Set(Array.from({ length: 50 }, () => createConfirmationCode()));
  expect(codes.size).toBeGreaterThan(40);
});
