import type { MigrationRow, RollbackHistoryEntry } from './migration-connection.js';

/** Prisma's bookkeeping table name (prisma/prisma-engines `sql-schema-connector`, `MIGRATIONS_TABLE_NAME`). */
export const PRISMA_MIGRATIONS_TABLE = '_prisma_migrations';

/** Our own table of rollbacks, created on the first rollback only. */
export const ROLLBACK_HISTORY_TABLE = '_kusto_migrations_history';

/** The columns of `_prisma_migrations`, in Prisma's order. */
export const MIGRATION_COLUMNS = 'id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count';

/** A `_prisma_migrations` row as drivers return it (column names as in the table). */
export interface RawMigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | string | number | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | string | number | null;
  started_at: Date | string | number;
  applied_steps_count: number | bigint;
}

/** A raw row with its times as `Date`s, through `toDate` (each dialect stores times its own way). */
export function toMigrationRow(raw: RawMigrationRow, toDate: (value: Date | string | number) => Date): MigrationRow {
  return {
    id: raw.id,
    checksum: raw.checksum,
    finishedAt: raw.finished_at === null ? null : toDate(raw.finished_at),
    migrationName: raw.migration_name,
    logs: raw.logs,
    rolledBackAt: raw.rolled_back_at === null ? null : toDate(raw.rolled_back_at),
    startedAt: toDate(raw.started_at),
    appliedStepsCount: Number(raw.applied_steps_count),
  };
}

/** The `removed_rows` JSON of a history entry back into rows. */
export function parseRemovedRows(json: unknown): MigrationRow[] {
  const rows = (typeof json === 'string' ? JSON.parse(json) : json) as Array<Record<string, unknown>>;
  return rows.map((removed) => ({
    ...(removed as unknown as MigrationRow),
    startedAt: new Date(removed.startedAt as string),
    finishedAt: removed.finishedAt ? new Date(removed.finishedAt as string) : null,
    rolledBackAt: removed.rolledBackAt ? new Date(removed.rolledBackAt as string) : null,
  }));
}

/** Columns of an `INSERT` into the rollback history, in the order of {@link historyInsertValues}. */
export const HISTORY_INSERT_COLUMNS = 'id, migration_name, action, checksum, down_checksum, applied_at, performed_at, duration_ms, removed_rows, details';

/** The `action` column: what happened, as stored. */
const HISTORY_ACTIONS = { rolledBack: 'rolled_back', failedHalfway: 'rollback_failed' } as const;

/**
 * The `details` column (JSON, added after the table's first version, so NULL in older rows): what a
 * half-done rollback left, `{ statementsDone, logs }`; NULL for a finished one.
 */
export const HISTORY_DETAILS_COLUMN = 'details';

/** The values of a history entry's `INSERT`, with its dates passed through `toDate` for the dialect's driver. */
export function historyInsertValues<D>(
  entry: RollbackHistoryEntry,
  toDate: (value: Date) => D,
): [string, string, string, string, string, D | null, D, number, string, string | null] {
  return [
    entry.id,
    entry.migrationName,
    HISTORY_ACTIONS[entry.outcome],
    entry.checksum,
    entry.downChecksum,
    entry.appliedAt === null ? null : toDate(entry.appliedAt),
    toDate(entry.rolledBackAt),
    Math.round(entry.durationMs),
    JSON.stringify(entry.removedRows),
    entry.outcome === 'failedHalfway' ? JSON.stringify({ statementsDone: entry.statementsDone, logs: entry.logs }) : null,
  ];
}

/** A row of the rollback history table as a driver returns it (dates and JSON as it types them). */
export interface RawHistoryRow<D> {
  readonly id: string;
  readonly migration_name: string;
  readonly action: string;
  readonly checksum: string;
  readonly down_checksum: string;
  readonly applied_at: D | null;
  readonly performed_at: D;
  readonly duration_ms: number;
  readonly removed_rows: unknown;
  /** Missing in a table created before the column existed and not yet upgraded. */
  readonly details?: unknown;
}

/** A history row back into an entry, its dates read with `toDate`. */
export function toHistoryEntry<D>(row: RawHistoryRow<D>, toDate: (value: D) => Date): RollbackHistoryEntry {
  const failed = row.action === HISTORY_ACTIONS.failedHalfway;
  const details = (typeof row.details === 'string' ? JSON.parse(row.details) : (row.details ?? {})) as { statementsDone?: string[]; logs?: string | null };
  return {
    id: row.id,
    migrationName: row.migration_name,
    outcome: failed ? 'failedHalfway' : 'rolledBack',
    statementsDone: failed ? (details.statementsDone ?? []) : [],
    logs: failed ? (details.logs ?? null) : null,
    checksum: row.checksum,
    downChecksum: row.down_checksum,
    appliedAt: row.applied_at === null ? null : toDate(row.applied_at),
    rolledBackAt: toDate(row.performed_at),
    durationMs: row.duration_ms,
    removedRows: parseRemovedRows(row.removed_rows),
  };
}
