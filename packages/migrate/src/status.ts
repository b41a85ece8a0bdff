import { computeStatus, type MigrationState, type MigrationStatusEntry } from './compute-status.js';
import type { MigrationError } from './errors.js';
import { readLocalMigrations, type IgnoredMigrationFolder } from './migration-files.js';
import type { MigratorConfig } from './options.js';
import type { StatusResult } from './results.js';
import { toMigrationError, withConnection } from './session.js';

function countStates(entries: readonly MigrationStatusEntry[]): Record<MigrationState, number> {
  const counts: Record<MigrationState, number> = { applied: 0, pending: 0, failed: 0, checksumMismatch: 0, missingLocally: 0, rollbackFailed: 0 };
  for (const entry of entries) counts[entry.state]++;
  return counts;
}

/**
 * Compares the migrations folder with `_prisma_migrations`, read-only (no lock, no table created).
 * Never throws: a connection failure comes back in `error` with `upToDate: false`.
 */
export async function status(config: MigratorConfig): Promise<StatusResult> {
  let migrations: MigrationStatusEntry[] = [];
  let ignored: readonly IgnoredMigrationFolder[] = [];
  let hasMigrationsTable = false;
  let error: MigrationError | undefined;
  try {
    const local = await readLocalMigrations(config.migrationsDir, config.fs);
    ignored = local.ignored;
    const { rows, history } = await withConnection(config, async (connection) => {
      hasMigrationsTable = await connection.hasMigrationsTable();
      if (!hasMigrationsTable) return { rows: [], history: [] };
      return { rows: await connection.listMigrationRows(), history: await connection.listHistory() };
    }, { readOnly: true });
    migrations = computeStatus(local.migrations, rows, history);
  } catch (caught) {
    error = toMigrationError(config, caught);
  }
  const counts = countStates(migrations);
  return {
    database: config.database,
    ok: error === undefined,
    upToDate: error === undefined && counts.applied === migrations.length,
    hasMigrationsTable,
    migrations,
    counts,
    ignored,
    error,
  };
}
