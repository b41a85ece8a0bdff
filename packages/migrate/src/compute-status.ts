import { checksumMatches } from './checksum.js';
import type { MigrationRow, RollbackHistoryEntry } from './migration-connection.js';
import type { LocalMigration } from './migration-files.js';

/**
 * Where one migration stands:
 * - `applied`: finished in the database and unchanged on disk;
 * - `pending`: on disk, not (or no longer) applied; `deploy` will run it;
 * - `failed`: started and never finished, not marked rolled back: `deploy` refuses until it is resolved;
 * - `checksumMismatch`: applied, but `migration.sql` changed since;
 * - `missingLocally`: applied in the database, its folder is gone;
 * - `rollbackFailed`: applied, and a rollback of it failed after some `down.sql` statements took
 *   effect (outside a transaction they stay): half reverted. `deploy` refuses until the rollback is
 *   finished (run it again: it resumes after what took effect).
 */
export type MigrationState = 'applied' | 'pending' | 'failed' | 'checksumMismatch' | 'missingLocally' | 'rollbackFailed';

/** One line of a status report. */
export interface MigrationStatusEntry {
  readonly name: string;
  readonly state: MigrationState;
  /** Checksum of the local `migration.sql`; `undefined` when missing locally. */
  readonly localChecksum: string | undefined;
  /** Checksum recorded in `_prisma_migrations`, when a row exists. */
  readonly appliedChecksum: string | undefined;
  readonly startedAt: Date | undefined;
  readonly finishedAt: Date | undefined;
  /** The error Prisma or we recorded for a failed migration, or for a rollback that failed halfway. */
  readonly logs: string | undefined;
  /** `rollbackFailed`: the `down.sql` statements that took effect, in order. */
  readonly rollbackStatementsDone: readonly string[] | undefined;
  /** Whether a `down.sql` sits beside `migration.sql`. */
  readonly hasDown: boolean;
}

/**
 * Prisma's reading of the table, which this follows (prisma/prisma-engines
 * `schema-engine/core/src/commands/apply_migrations.rs` and `diagnose_migration_history.rs`):
 * a row is failed when `finished_at` and `rolled_back_at` are both NULL; `migrate deploy` applies
 * every migration with no row whose `rolled_back_at` is NULL (so a finished row with
 * `rolled_back_at` set is re-applied), while `migrate status` counts any row of that name as
 * present. We report what `deploy` will do: a migration whose rows are all rolled back is pending.
 * `history` (our rollback history, oldest first) marks an applied migration `rollbackFailed` when
 * its newest entry is a rollback that failed halfway after the migration was applied.
 */
export function computeStatus(
  local: readonly LocalMigration[],
  rows: readonly MigrationRow[],
  history: readonly RollbackHistoryEntry[] = [],
): MigrationStatusEntry[] {
  const halfDone = halfDoneRollbacks(rows, history);
  const entries: MigrationStatusEntry[] = [];
  const localNames = new Set(local.map((migration) => migration.name));
  for (const migration of local) {
    const own = rows.filter((row) => row.migrationName === migration.name && row.rolledBackAt === null);
    const finished = own.filter((row) => row.finishedAt !== null).at(-1);
    const failed = own.filter((row) => row.finishedAt === null).at(-1);
    const row = finished ?? failed;
    const rollback = finished ? halfDone.get(migration.name) : undefined;
    const state: MigrationState = failed
      ? 'failed'
      : rollback
        ? 'rollbackFailed'
        : finished
          ? checksumMatches(migration.script, finished.checksum)
            ? 'applied'
            : 'checksumMismatch'
          : 'pending';
    entries.push({
      name: migration.name,
      state,
      localChecksum: migration.checksum,
      appliedChecksum: row?.checksum,
      startedAt: row?.startedAt,
      finishedAt: row?.finishedAt ?? undefined,
      logs: failed?.logs ?? rollback?.logs ?? undefined,
      rollbackStatementsDone: rollback?.statementsDone,
      hasDown: migration.down !== undefined,
    });
  }
  const missing = new Map<string, MigrationRow>();
  for (const row of rows) {
    if (!localNames.has(row.migrationName) && row.rolledBackAt === null) missing.set(row.migrationName, row);
  }
  for (const [name, row] of missing) {
    const rollback = row.finishedAt === null ? undefined : halfDone.get(name);
    entries.push({
      name,
      state: row.finishedAt === null ? 'failed' : rollback ? 'rollbackFailed' : 'missingLocally',
      localChecksum: undefined,
      appliedChecksum: row.checksum,
      startedAt: row.startedAt,
      finishedAt: row.finishedAt ?? undefined,
      logs: row.logs ?? rollback?.logs ?? undefined,
      rollbackStatementsDone: rollback?.statementsDone,
      hasDown: false,
    });
  }
  return entries;
}

/**
 * The rollbacks that failed halfway and still stand, by migration: the newest history entry of a
 * migration that is applied now, when that entry is a half-done rollback made after the migration
 * was applied (a later successful rollback, or a later apply, supersedes it).
 */
export function halfDoneRollbacks(rows: readonly MigrationRow[], history: readonly RollbackHistoryEntry[]): Map<string, RollbackHistoryEntry> {
  const newest = new Map<string, RollbackHistoryEntry>();
  for (const entry of history) newest.set(entry.migrationName, entry);
  const halfDone = new Map<string, RollbackHistoryEntry>();
  for (const [name, entry] of newest) {
    if (entry.outcome !== 'failedHalfway') continue;
    const applied = rows.filter((row) => row.migrationName === name && row.rolledBackAt === null && row.finishedAt !== null).at(-1);
    if (applied?.finishedAt && applied.finishedAt.getTime() <= entry.rolledBackAt.getTime()) halfDone.set(name, entry);
  }
  return halfDone;
}
