import { printable } from '@kusto/db';
import { migrationChecksum } from './checksum.js';
import { computeStatus, type MigrationStatusEntry } from './compute-status.js';
import {
  ChecksumMismatchError,
  DownMigrationMissingError,
  type MigrationError,
  RollbackFailedError,
  RollbackResumeMismatchError,
} from './errors.js';
import type { MigrationConnection, RollbackHistoryEntry } from './migration-connection.js';
import { readLocalMigrations, type IgnoredMigrationFolder, type LocalMigration } from './migration-files.js';
import type { MigratorConfig } from './options.js';
import { migrationRunResult, type MigrationRunResult, type RollbackPlanEntry, type RollbackResult } from './results.js';
import { resolveRollbackTarget, type RollbackTarget } from './rollback-target.js';
import { planScript, runStatements, type ScriptPlan } from './run-script.js';
import { Refusal, refusedOrFailed, toMigrationError, withConnection, withMigrationLock } from './session.js';

/** What `rollback()` takes: a target, and how to run. */
export type RollbackOptions = RollbackTarget & {
  /** Return the plan (the SQL that would run) and change nothing. Default `false`. */
  readonly dryRun?: boolean | undefined;
  /**
   * Revert migrations whose `migration.sql` changed since it was applied. Default `false`: such a
   * rollback is refused, since its `down.sql` may not match what the database holds.
   */
  readonly ignoreChecksumMismatch?: boolean | undefined;
};

interface Target {
  readonly migration: LocalMigration;
  readonly entry: MigrationStatusEntry;
  readonly down: { readonly file: string; readonly script: string };
  readonly plan: ScriptPlan;
  /** Statements that took effect in an earlier rollback that failed halfway: skipped, not run twice. */
  readonly done: readonly string[];
}

/**
 * The statements a half-done rollback already ran, when `plan` still starts with them; else a
 * refusal, since what is left to run cannot be told.
 */
function resumePoint(config: MigratorConfig, entry: MigrationStatusEntry, plan: ScriptPlan): readonly string[] {
  const done = entry.state === 'rollbackFailed' ? (entry.rollbackStatementsDone ?? []) : [];
  const matches = done.length <= plan.statements.length && done.every((statement, index) => plan.statements[index]!.sql === statement);
  if (!matches) throw new Refusal(new RollbackResumeMismatchError(config.database, entry.name, done));
  return done;
}

/** A refusal: thrown inside the run to leave before touching anything, returned as `refused`. */
function selectTargets(
  config: MigratorConfig,
  connection: MigrationConnection,
  local: readonly LocalMigration[],
  entries: readonly MigrationStatusEntry[],
  options: RollbackOptions,
): Target[] {
  // Applied, in folder-name order (the order deploy applies them in), oldest first.
  const applied = entries
    .filter((entry) => entry.state === 'applied' || entry.state === 'checksumMismatch' || entry.state === 'missingLocally' || entry.state === 'rollbackFailed')
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let names: string[];
  try {
    names = resolveRollbackTarget(
      config.database,
      applied.map((entry) => entry.name),
      options,
    );
  } catch (error) {
    throw new Refusal(toMigrationError(config, error));
  }
  const byName = new Map(local.map((migration) => [migration.name, migration]));
  const withoutDown = names.filter((name) => byName.get(name)?.down === undefined);
  if (withoutDown.length > 0) throw new Refusal(new DownMigrationMissingError(config.database, withoutDown));
  const edited = names.filter((name) => applied.find((entry) => entry.name === name)?.state === 'checksumMismatch');
  if (edited.length > 0 && options.ignoreChecksumMismatch !== true) {
    throw new Refusal(new ChecksumMismatchError(config.database, edited));
  }
  return names.map((name) => {
    const migration = byName.get(name)!;
    const down = migration.down!;
    const entry = applied.find((candidate) => candidate.name === name)!;
    const plan = planScript(connection, down.script);
    return { migration, entry, down, plan, done: resumePoint(config, entry, plan) };
  });
}

function toPlanEntry(target: Target): RollbackPlanEntry {
  return {
    name: target.migration.name,
    downFile: target.down.file,
    sql: target.down.script,
    statements: target.plan.statements.map((statement) => statement.sql),
    transactional: target.plan.transactional,
    skipped: target.done,
  };
}

/**
 * History entries are read back ordered by time, and MySQL keeps milliseconds: two rollbacks in
 * one run within the same millisecond would tie. Each entry of a run is kept at least 1 ms after
 * the one before, so the history's order is the order they ran in.
 */
function increasingClock(clock: () => Date): () => Date {
  let last: number | undefined;
  return () => {
    let time = clock().getTime();
    if (last !== undefined && time <= last) time = last + 1;
    last = time;
    return new Date(time);
  };
}

async function revertOne(
  config: MigratorConfig,
  connection: MigrationConnection,
  target: Target,
  historyClock: () => Date,
): Promise<MigrationRunResult> {
  const { migration, plan, done } = target;
  const startedAt = config.clock();
  const started = config.monotonic();
  config.logger.info(
    `${config.database}: rolling back ${printable(migration.name)}` +
      (done.length > 0 ? `, resuming after the ${done.length} statement${done.length === 1 ? '' : 's'} that took effect in the rollback that failed halfway` : ''),
  );

  const remaining = plan.statements.slice(done.length);
  /** This rollback's history row; the fields that tell a finished one from a half-done one are the caller's. */
  const historyEntry = (entry: Pick<RollbackHistoryEntry, 'outcome' | 'durationMs' | 'removedRows' | 'statementsDone' | 'logs'>): RollbackHistoryEntry => ({
    id: config.generateId(),
    migrationName: migration.name,
    checksum: target.entry.appliedChecksum ?? migration.checksum,
    downChecksum: migrationChecksum(target.down.script),
    appliedAt: target.entry.finishedAt ?? null,
    rolledBackAt: historyClock(),
    ...entry,
  });
  if (plan.transactional) await connection.begin(remaining);
  const outcome = await runStatements(connection, remaining, config.signal);
  if (outcome.failure) {
    if (plan.transactional) await connection.rollback();
    const error = new RollbackFailedError(
      config.database,
      migration.name,
      target.down.file,
      outcome.failure.detail,
      plan.transactional,
      { cause: outcome.failure.cause },
      config.signal?.aborted === true,
    );
    config.logger.warn(error.message);
    if (!plan.transactional && outcome.statementsRun > 0) {
      // Statements took effect and stay: record the half-done rollback, as a failed deploy is
      // recorded, so status shows it and a rerun resumes after them.
      await connection.insertHistory(historyEntry({
        outcome: 'failedHalfway',
        durationMs: config.monotonic() - started,
        removedRows: [],
        statementsDone: [...done, ...remaining.slice(0, outcome.statementsRun).map((statement) => statement.sql)],
        logs: `${error.message}\n\nFailed statement (${target.down.file}:${error.line}):\n${error.statement}\n`,
      }));
    }
    return migrationRunResult(migration.name, 'down', plan, {
      status: 'failed',
      statementsRun: plan.transactional ? 0 : outcome.statementsRun,
      startedAt,
      durationMs: config.monotonic() - started,
      error,
    });
  }
  // Bookkeeping: the rows leave `_prisma_migrations` (Prisma's `migrate status` would still count a
  // finished row with rolled_back_at set as applied: see compute-status.ts) and go to our history,
  // in the same transaction as the down SQL when there is one.
  if (!plan.transactional) await connection.begin();
  const removed = await connection.deleteMigrationRows(migration.name);
  const durationMs = config.monotonic() - started;
  await connection.insertHistory(historyEntry({ outcome: 'rolledBack', durationMs, removedRows: removed, statementsDone: [], logs: null }));
  await connection.commit();
  config.logger.info(`${config.database}: rolled back ${printable(migration.name)} in ${Math.round(durationMs)} ms`);
  return migrationRunResult(migration.name, 'down', plan, { status: 'succeeded', statementsRun: outcome.statementsRun, startedAt, durationMs });
}

function notRun(target: Target): MigrationRunResult {
  return migrationRunResult(target.migration.name, 'down', target.plan, { status: 'notRun' });
}

/**
 * Reverts applied migrations newest first with their `down.sql`, each in its own transaction
 * where possible, under the migration lock; stops at the first failure. Refuses, changing
 * nothing, when the target is unknown/ambiguous/out of range, when any targeted migration has no
 * `down.sql`, or (by default) when one was edited since applied. Never throws.
 */
export async function rollback(config: MigratorConfig, options: RollbackOptions): Promise<RollbackResult> {
  const started = config.monotonic();
  let plan: RollbackPlanEntry[] = [];
  const results: MigrationRunResult[] = [];
  let outcome: RollbackResult['outcome'] = 'rolledBack';
  let error: MigrationError | undefined;
  let ignored: readonly IgnoredMigrationFolder[] = [];
  try {
    const local = await readLocalMigrations(config.migrationsDir, config.fs);
    ignored = local.ignored;
    await withConnection(config, async (connection) => {
      const readTargets = async (): Promise<Target[]> => {
        const hasTable = await connection.hasMigrationsTable();
        const rows = hasTable ? await connection.listMigrationRows() : [];
        const history = hasTable ? await connection.listHistory() : [];
        const targets = selectTargets(config, connection, local.migrations, computeStatus(local.migrations, rows, history), options);
        plan = targets.map(toPlanEntry);
        return targets;
      };
      if (options.dryRun === true) {
        await readTargets();
        outcome = plan.length === 0 ? 'nothingToDo' : 'dryRun';
        return;
      }
      await withMigrationLock(config, connection, async () => {
        const targets = await readTargets();
        if (targets.length === 0) {
          outcome = 'nothingToDo';
          return;
        }
        await connection.ensureHistoryTable();
        const historyClock = increasingClock(config.clock);
        for (const [index, target] of targets.entries()) {
          const result = await revertOne(config, connection, target, historyClock);
          results.push(result);
          if (result.error) {
            error = result.error;
            outcome = 'failed';
            results.push(...targets.slice(index + 1).map(notRun));
            break;
          }
        }
      });
    });
  } catch (caught) {
    ({ outcome, error } = refusedOrFailed(config, caught));
  }
  return {
    database: config.database,
    ok: error === undefined,
    outcome,
    plan,
    results,
    error,
    ignored,
    durationMs: config.monotonic() - started,
  };
}
