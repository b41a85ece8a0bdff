/**
 * The URL parameter that says "this URL reaches a transaction pooler, not the server itself"
 * (`?pgbouncer=true`). Prisma has used it for that since Prisma 2; we keep the name so one URL
 * works with both. Poolers cannot be recognised reliably from the wire, so the flag is the signal.
 */
export const POOLER_URL_PARAMETER = 'pgbouncer';

/** Whether a parameter value means "yes": `true` or `1`, any case. */
function isYes(value: string | null): boolean {
  return value !== null && ['true', '1'].includes(value.toLowerCase());
}

/** Whether `url` declares a transaction pooler. A URL that does not parse declares nothing. */
export function declaresTransactionPooler(url: string): boolean {
  try {
    return isYes(new URL(url).searchParams.get(POOLER_URL_PARAMETER));
  } catch {
    return false;
  }
}

/** Reads and removes the flag from parsed search parameters (the driver must not see it). */
export function takePoolerFlag(params: URLSearchParams): boolean {
  const pooled = isYes(params.get(POOLER_URL_PARAMETER));
  params.delete(POOLER_URL_PARAMETER);
  return pooled;
}
