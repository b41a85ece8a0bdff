import type { ProviderRequest } from './provider.js';

/**
 * Whether `next` reaches the same server, database and parameters as `built`, differing only in
 * its credentials (a rotated password or user): then new connections may use it before a rebuild.
 * Anything else (another host, database or parameter, a URL that does not parse) is the rebuild's.
 */
export function sameTargetOtherCredentials(built: string, next: string): boolean {
  if (next === built) return false;
  try {
    const a = new URL(built);
    const b = new URL(next);
    a.username = a.password = b.username = b.password = '';
    return a.toString() === b.toString();
  } catch {
    return false;
  }
}

/**
 * The URL new connections should use instead of `built`, when the configuration now holds the same
 * target with rotated credentials; undefined otherwise.
 */
export function rotatedUrl(request: Pick<ProviderRequest, 'currentUrl'>, built: string): string | undefined {
  const now = request.currentUrl?.();
  return now !== undefined && sameTargetOtherCredentials(built, now) ? now : undefined;
}
