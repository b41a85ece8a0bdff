import type pg from 'pg';
import { splitSchemaParameter } from './connection.js';

/**
 * Stops the statement of backend `pid` with `pg_cancel_backend` from a second session: what a
 * cancel request does, and it also works where the server runs behind a proxy that drops cancel
 * packets. Best effort: the statement may have ended, or the server be gone; never throws.
 */
export async function cancelBackend(pgModule: typeof pg, url: string, pid: number | undefined): Promise<void> {
  if (pid === undefined) return;
  const canceller = new pgModule.Client({ connectionString: splitSchemaParameter(url).url, connectionTimeoutMillis: 5_000, application_name: 'kusto-db cancel' });
  canceller.on('error', () => undefined);
  try {
    await canceller.connect();
    await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
  } catch {
    // Nothing to stop, or nobody to ask.
  } finally {
    await canceller.end().catch(() => undefined);
  }
}
