/**
 * Delay before rebuild attempt `attempt` (1-based): `base · 2^(attempt-1)`, capped, with "equal
 * jitter" (half fixed, half random) so many instances do not retry in lockstep.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return exponential / 2 + random() * (exponential / 2);
}

/** Next cooldown while a database stays down: doubled, capped. */
export function nextCooldown(currentMs: number, maxMs: number): number {
  return Math.min(maxMs, currentMs * 2);
}

/** The shortest share of the cooldown an opening lasts: jitter only ever shortens it down to this. */
export const COOLDOWN_JITTER_FLOOR = 2 / 3;

/**
 * How long the circuit stays open this time: a random time in `[⅔ · cooldown, cooldown]`, so a
 * fleet's probes of a down server spread out instead of arriving together when it comes back,
 * while no process probes more often than every `⅔ · cooldown` (at the default 750 ms: every
 * 500 ms at most, two connection attempts per second).
 */
export function jitteredCooldown(cooldownMs: number, random: () => number): number {
  return cooldownMs * (COOLDOWN_JITTER_FLOOR + (1 - COOLDOWN_JITTER_FLOOR) * random());
}
