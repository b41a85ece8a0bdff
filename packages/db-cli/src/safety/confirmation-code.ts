import { randomInt } from 'node:crypto';

/**
 * Characters a confirmation code is made of: A–Z and 0–9 without the look-alikes `O`/`0` and
 * `I`/`1`, so a code read off the screen is typed back as shown (32 characters: 20 bits per code).
 */
export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** Length of a confirmation code. */
export const CODE_LENGTH = 4;

/** Returns an integer in `[0, max)`. */
export type RandomInt = (max: number) => number;

/** A fresh code of {@link CODE_LENGTH} characters from {@link CODE_ALPHABET}. Default source: `crypto.randomInt` (uniform, unbiased). */
export function createConfirmationCode(random: RandomInt = randomInt): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[random(CODE_ALPHABET.length)];
  return code;
}
