import { parseDatabaseUrl, type DatabaseUrl } from '../connection/database-url.js';

/**
 * Where a separator ends and a new URL begins: commas and/or whitespace followed by `scheme://`.
 * A comma followed by anything else belongs to the URL (libpq multi-host: `postgresql://u@h1,h2/db`).
 */
const BOUNDARY = /[\s,]+(?=[A-Za-z][A-Za-z0-9+.-]*:\/\/)/;
const EDGES = /^[\s,]+|[\s,]+$/g;

/**
 * Splits the value of a read-URL variable into one URL per replica. URLs are separated by commas
 * and/or whitespace, and a split happens only where the next part starts with `scheme://`, so a
 * multi-host URL's commas never split it. Empty or blank → no replicas.
 *
 * @example splitReadUrls('postgresql://a/db, postgresql://b/db') → ['postgresql://a/db', 'postgresql://b/db']
 * @example splitReadUrls('postgresql://u@h1:5432,h2:5432/db') → ['postgresql://u@h1:5432,h2:5432/db']
 */
export function splitReadUrls(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(BOUNDARY)
    .map((part) => part.replace(EDGES, ''))
    .filter((part) => part !== '');
}

/** How a replica's URL source is named in messages: never the URL, which holds a password. */
export function replicaSourceLabel(source: string, position: number, count: number): string {
  return `${source}, replica ${position} of ${count}`;
}

/**
 * Validates every replica URL for `provider` (see `parseDatabaseUrl`). An error names the variable
 * (or `options`) and the replica's 1-based position, never the URL.
 */
export function parseReadUrls(database: string, provider: string, source: string, urls: readonly string[]): DatabaseUrl[] {
  return urls.map((raw, index) => parseDatabaseUrl(database, provider, raw, replicaSourceLabel(source, index + 1, urls.length)));
}
