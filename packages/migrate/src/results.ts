import type { MigrationState, MigrationStatusEntry } from './compute-status.js';
import type { MigrationError, MigrationFailedError, RollbackFailedError } from './errors.js';
import type { RollbackHistoryEntry } from './migration-connection.js';
import type { IgnoredMigrationFolder } from './migration-files.js';
import type { ScriptPlan } from './run-script.js';

/** What happened to one migration in a `deploy` or `rollback` run. */
export interface MigrationRunResult {
  readonly name: string;
  /** `up` runs `migration.sql`, `down` runs `down.sql`. */
  readonly direction: 'up' | 'down';
  /** `notRun`: planned, but an earlier migration failed. */
  readonly status: 'succeeded' | 'failed' | 'notRun';
  /** Whether it ran inside one transaction. */
  readonly transactional: boolean;
  /** Why it ran outside a transaction (e.g. `CREATE INDEX CONCURRENTLY`), when it did. */
  readonly nonTransactionalReason: string | undefined;
  /** Number of statements in the script. */
  readonly statementCount: number;
  /** Statements that completed (and stay applied when not transactional). */
  readonly statementsRun: number;
  readonly startedAt: Date | undefined;
  readonly durationMs: number | undefined;
  readonly error: MigrationFailedError | RollbackFailedError | undefined;
}

/** How one migration's run went; what its plan already says is filled in by {@link migrationRunResult}. */
export interface MigrationRunOutcome {
  readonly status: MigrationRunResult['status'];
  /** Default 0. */
  readonly statementsRun?: number;
  readonly startedAt?: Date;
  readonly durationMs?: number;
  readonly error?: MigrationFailedError | RollbackFailedError;
}

/** The result of running (or not running) migration `name`'s script planned as `plan`. */
export function migrationRunResult(
  name: string,
  direction: MigrationRunResult['direction'],
  plan: ScriptPlan,
  outcome: MigrationRunOutcome,
): MigrationRunResult {
  return {
    name,
    direction,
    status: outcome.status,
    transactional: plan.transactional,
    nonTransactionalReason: plan.reason,
    statementCount: plan.statements.length,
    statementsRun: outcome.statementsRun ?? 0,
    startedAt: outcome.startedAt,
    durationMs: outcome.durationMs,
    error: outcome.error,
  };
}

/** Outcome of `deploy()`. */
export interface DeployResult {
  readonly database: string;
  /** `true` when nothing failed (including when there was nothing to do). */
  readonly ok: boolean;
  /** `applied`: at least one migration ran; `upToDate`: nothing to do; `failed`: see `error`. */
  readonly outcome: 'applied' | 'upToDate' | 'failed';
  /** One entry per pending migration, in the order they were (or would have been) run. */
  readonly results: readonly MigrationRunResult[];
  /** Why the run failed: the failing migration, a lock timeout, failed migrations present, no connection, … */
  readonly error: MigrationError | undefined;
  /** Things worth reading that did not stop the run (edited or missing applied migrations). */
  readonly warnings: readonly string[];
  readonly ignored: readonly IgnoredMigrationFolder[];
  readonly durationMs: number;
}

/** Outcome of `status()`. */
export interface StatusResult {
  readonly database: string;
  /** Whether the status could be read (`error` undefined); says nothing about pending migrations: see `upToDate`. */
  readonly ok: boolean;
  /** `true` when every migration is applied and unchanged, and none is failed or missing locally. */
  readonly upToDate: boolean;
  /** Whether `_prisma_migrations` exists. */
  readonly hasMigrationsTable: boolean;
  /** Local migrations in folder order, then those applied but missing locally. */
  readonly migrations: readonly MigrationStatusEntry[];
  readonly counts: Readonly<Record<MigrationState, number>>;
  readonly ignored: readonly IgnoredMigrationFolder[];
  /** Set when the status could not be read (no connection, unreadable folder); `upToDate` is then `false`. */
  readonly error: MigrationError | undefined;
}

/** A migration a rollback would revert, with the SQL it would run. */
export interface RollbackPlanEntry {
  readonly name: string;
  readonly downFile: string;
  readonly sql: string;
  readonly statements: readonly string[];
  readonly transactional: boolean;
  /**
   * The first statements, skipped: they took effect in an earlier rollback of this migration that
   * failed halfway, so the rollback resumes after them. Empty otherwise.
   */
  readonly skipped: readonly string[];
}

/** Outcome of `rollback()`. */
export interface RollbackResult {
  readonly database: string;
  readonly ok: boolean;
  /**
   * `rolledBack`: the plan ran; `nothingToDo`: the target is already the newest applied migration;
   * `dryRun`: only `plan` is filled; `refused`: a check failed before anything changed
   * (missing `down.sql`, bad target, checksum mismatch); `failed`: a `down.sql` failed (see `error`).
   */
  readonly outcome: 'rolledBack' | 'nothingToDo' | 'dryRun' | 'refused' | 'failed';
  /** Migrations to revert, newest first. */
  readonly plan: readonly RollbackPlanEntry[];
  readonly results: readonly MigrationRunResult[];
  readonly error: MigrationError | undefined;
  /** Entries of the migrations folder that are not migrations, and why (as `deploy` reports them). */
  readonly ignored: readonly IgnoredMigrationFolder[];
  readonly durationMs: number;
}

/** Outcome of `markRolledBack()`. */
export interface MarkRolledBackResult {
  readonly database: string;
  readonly ok: boolean;
  readonly migration: string;
  /** Failed rows now marked rolled back (0 when the migration had no failed row). */
  readonly updated: number;
  readonly error: MigrationError | undefined;
}

/** Outcome of `history()`. */
export interface RollbackHistoryResult {
  readonly database: string;
  readonly ok: boolean;
  /** Every rollback, oldest first (empty before the first rollback). */
  readonly entries: readonly RollbackHistoryEntry[];
  readonly error: MigrationError | undefined;
}

/** Outcome of `resolve()`. */
export interface ResolveResult {
  readonly database: string;
  readonly ok: boolean;
  /** `applied` / `rolledBack`: recorded; `refused`: Prisma's rules refused it, nothing changed (see `error`); `failed`: the database failed. */
  readonly outcome: 'applied' | 'rolledBack' | 'refused' | 'failed';
  readonly migration: string;
  /** Failed rows marked rolled back (with `applied`, the failed attempts it supersedes). */
  readonly updated: number;
  readonly error: MigrationError | undefined;
}
