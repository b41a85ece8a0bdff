import { expect, test } from '@jest/globals';
import { CODE_ALPHABET, CODE_LENGTH, createConfirmationCode } from './confirmation-code.js';

test('a code has CODE_LENGTH (4) characters from A–Z and 2–9 without the look-alikes O, 0, I and 1', () => {
  expect(CODE_LENGTH).toBe(4);
  expect(CODE_ALPHABET).toBe('ABCDEFGHJKLMNPQRSTUVWXYZ23456789');
  for (const lookAlike of ['O', '0', 'I', '1']) expect(CODE_ALPHABET).not.toContain(lookAlike);
  expect(new Set(CODE_ALPHABET).size).toBe(CODE_ALPHABET.length);
  for (let i = 0; i < 2000; i++) expect(createConfirmationCode()).toMatch(/^[A-HJ-NP-Z2-9]{4}$/);
});

test('each character is drawn from the injected source over the whole alphabet', () => {
  const asked: number[] = [];
  const picks = [0, 23, 24, 31];
  const code = createConfirmationCode((max) => {
    asked.push(max);
    return picks[asked.length - 1]!;
  });
  expect(code).toBe('AZ29');
  expect(asked).toEqual([32, 32, 32, 32]);
});

test('the default source is random: codes differ from run to run', () => {
  const codes = new Set(Array.from({ length: 50 }, () => createConfirmationCode()));
  expect(codes.size).toBeGreaterThan(40);
});
