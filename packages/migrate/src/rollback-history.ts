import type { MigrationError } from './errors.js';
import type { RollbackHistoryEntry } from './migration-connection.js';
import type { MigratorConfig } from './options.js';
import type { RollbackHistoryResult } from './results.js';
import { toMigrationError, withConnection } from './session.js';

/** Reads our rollback history table (oldest first), read-only. Never throws. */
export async function rollbackHistory(config: MigratorConfig): Promise<RollbackHistoryResult> {
  let entries: RollbackHistoryEntry[] = [];
  let error: MigrationError | undefined;
  try {
    entries = await withConnection(config, (connection) => connection.listHistory());
  } catch (caught) {
    error = toMigrationError(config, caught);
  }
  return { database: config.database, ok: error === undefined, entries, error };
}
