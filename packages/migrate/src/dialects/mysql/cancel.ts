import type * as Mariadb from 'mariadb';
import { mysqlConnectionConfig } from './connection.js';

/**
 * Stops the statement running on session `threadId` with `KILL QUERY` from a second session, which
 * keeps that session (and the lock it holds). Best effort: the statement may have ended, or the
 * server be gone; never throws.
 */
export async function killQuery(driver: typeof Mariadb, url: string, threadId: number | null, connectTimeoutMs: number): Promise<void> {
  if (threadId === null) return;
  let killer: Mariadb.Connection | undefined;
  try {
    killer = await driver.createConnection(mysqlConnectionConfig(url, connectTimeoutMs));
    await killer.query(`KILL QUERY ${Number(threadId)}`);
  } catch {
    // Nothing to stop, or nobody to ask.
  } finally {
    await killer?.end().catch(() => undefined);
  }
}
