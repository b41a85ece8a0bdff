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

/**
 * How long the circuit stays open this time: "equal jitter" over the cooldown, in
 * `[cooldown / 2, cooldown]`, so a fleet's probes of a down server spread out instead of arriving
 * together when it comes back, and no process probes more often than every `cooldown / 2`.
 */
export function jitteredCooldown(cooldownMs: number, random: () => number): number {
  return cooldownMs / 2 + random() * (cooldownMs / 2);
}
