import type { Response } from 'express';

/** The `error` field of every 503 this package sends. */
export const UNAVAILABLE_MESSAGE = 'Database temporarily unavailable';

/** Whole seconds for `Retry-After`: at least 1, so clients never retry in a tight loop. */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1_000));
}

/** 503 with `Retry-After` and `{ error, database, retryAfter }`; says nothing about hosts or URLs. */
export function sendUnavailable(res: Response, database: string, retryAfterMs: number): void {
  const retryAfter = retryAfterSeconds(retryAfterMs);
  res.setHeader('Retry-After', String(retryAfter));
  res.status(503).json({ error: UNAVAILABLE_MESSAGE, database, retryAfter });
}
