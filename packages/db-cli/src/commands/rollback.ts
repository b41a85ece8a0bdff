import fs from 'node:fs';
import path from 'node:path';
import { printable, type DatabaseFolder } from '@kusto/db';
import { EXIT_CANCELLED, EXIT_FAILED, EXIT_OK, type CommandResult, type KustoCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import type { GlobalArgs } from '../global-options.js';
import type { RollbackPlanEntry, RollbackResult, RollbackTarget } from '@kusto/migrate';
import { palette } from '../output/colors.js';
import { formatDuration } from '../output/table.js';
import { guardDangerous, isCommandResult } from '../safety/guard-dangerous.js';
import { describeVia } from '../targets/connection-url.js';
import { refuseUnupgradedSchemas } from '../checks/schema-checks.js';
import { resolveTargets } from '../targets/resolve-targets.js';
import { CLI_DRIVER_DIRS, describeRunnerError, loadRunner, prepareRunnerTargets, withInterruptSignal, type RunnerTarget } from './runner-support.js';

/** Migrations `rollback` reverts when `-t` is not given. */
export const DEFAULT_ROLLBACK_TARGET = '1';

export interface RollbackArgs extends GlobalArgs {
  readonly target: string;
  readonly 'dry-run': boolean;
  readonly force: boolean;
}

/**
 * Reads `-t`: a whole number is a count of steps, unless a migration folder of exactly that name
 * exists (then it is that migration); anything else names the migration to roll back to, which
 * stays applied (its exact folder name, or a unique prefix or part of it).
 */
export function parseRollbackTarget(text: unknown, folder: Pick<DatabaseFolder, 'migrationsDir'>): RollbackTarget {
  if (typeof text !== 'string') throw new CliError('USAGE', 'Pass rollback -t once: a number of steps or one migration name.');
  const value = text.trim();
  if (value === '') throw new CliError('USAGE', 'rollback -t needs a number of steps or a migration name.');
  if (/^\d+$/.test(value) && !fs.existsSync(path.join(folder.migrationsDir, value))) return { steps: Number(value) };
  return { to: value };
}

function describeTarget(target: RollbackTarget): string {
  return 'steps' in target ? `the newest ${target.steps} applied migration${target.steps === 1 ? '' : 's'}` : `every migration newer than ${target.to}`;
}

/** A read-only rehearsal: the plan, or why the rollback is refused. Never changes the database. */
async function plan(target: RunnerTarget, rollbackTarget: RollbackTarget): Promise<RollbackResult> {
  const { createMigrator, migratorOptionsForFolder } = await loadRunner();
  return createMigrator(migratorOptionsForFolder(target.folder, target.url, { driverDirs: CLI_DRIVER_DIRS })).rollback({ ...rollbackTarget, dryRun: true });
}

/** For a step count that looks like the start of a migration name (a timestamp): how to name it instead. */
function namingHint(target: RunnerTarget, rollbackTarget: RollbackTarget): string {
  if (!('steps' in rollbackTarget)) return '';
  const prefix = String(rollbackTarget.steps);
  const named = fs.existsSync(target.folder.migrationsDir)
    ? fs.readdirSync(target.folder.migrationsDir).filter((name) => name.startsWith(prefix))
    : [];
  return named.length > 0 ? ` A whole number counts steps; to roll back to a migration, give its full name (e.g. ${named[0]!}).` : '';
}

/** The result when a rehearsal says the rollback must not (or need not) run; `undefined` when it can go ahead. */
function stopReason(target: RunnerTarget, rollbackTarget: RollbackTarget, rehearsal: RollbackResult, context: CliContext): CommandResult | undefined {
  const paint = palette(context.colors);
  for (const ignored of rehearsal.ignored) {
    context.io.err(`${paint.warn('!')} ${target.folder.name}: skipped migrations/${printable(ignored.name)}: ${ignored.reason}`);
  }
  if (!rehearsal.ok) {
    const [first = 'Rollback refused.', ...rest] = describeRunnerError(rehearsal.error ?? new Error('Rollback refused.'), target);
    const hint = rehearsal.error?.code === 'ROLLBACK_TARGET_INVALID' ? namingHint(target, rollbackTarget) : '';
    context.io.err(`kusto-db: ${first}${hint}`);
    for (const line of rest) context.io.err(`    ${line}`);
    return { exitCode: EXIT_FAILED };
  }
  if (rehearsal.outcome === 'nothingToDo') {
    context.io.out(`Nothing to roll back on "${target.folder.name}": the target is already the newest applied migration.`);
    return { exitCode: EXIT_OK };
  }
  return undefined;
}

function printPlanSql(target: RunnerTarget, entries: readonly RollbackPlanEntry[], context: CliContext): void {
  const database = target.folder.name;
  context.io.out(`-- Dry run (${describeVia(target)}): rolling back database "${database}" would revert ${entries.length} migration${entries.length === 1 ? '' : 's'}, newest first. Nothing was changed.`);
  for (const entry of entries) {
    context.io.out('');
    context.io.out(`-- ${printable(entry.name)} (${printable(entry.downFile)}; ${entry.transactional ? 'in one transaction' : 'outside a transaction'})`);
    if (entry.skipped.length > 0) {
      context.io.out(`-- resumes a rollback that failed halfway: skips its first ${entry.skipped.length} statement${entry.skipped.length === 1 ? '' : 's'}, which took effect then`);
    }
    context.io.out(entry.sql.trimEnd());
  }
}

function printResult(target: RunnerTarget, result: RollbackResult, context: CliContext): CommandResult {
  const paint = palette(context.colors);
  // Reverted migrations were reported live by the runner's logger; what did not happen is listed here.
  for (const run of result.results) {
    if (run.status === 'failed') context.io.out(`  ${paint.fail('✖')} ${printable(run.name)} failed`);
    else if (run.status === 'notRun') context.io.out(`  ${paint.warn('■')} ${printable(run.name)} not run (still applied)`);
  }
  if (result.ok) {
    const count = result.results.length;
    context.io.out(
      result.outcome === 'nothingToDo'
        ? `Nothing to roll back on "${target.folder.name}".`
        : paint.ok(
            `Rolled back ${count} migration${count === 1 ? '' : 's'} of "${target.folder.name}" ${describeVia(target)} in ${formatDuration(result.durationMs)}.`,
          ),
    );
    return { exitCode: EXIT_OK };
  }
  const [first = 'Rollback failed.', ...rest] = describeRunnerError(result.error ?? new Error('Rollback failed.'), target);
  context.io.err(`kusto-db: ${first}`);
  for (const line of rest) context.io.err(`    ${line}`);
  return { exitCode: EXIT_FAILED };
}

/**
 * `rollback -d <db> [-t <steps | name>] [--dry-run]` ⚠️: reverts applied migrations newest first
 * with their `down.sql`. The plan is rehearsed read-only first, so a refusal (no `down.sql`, an
 * unknown or ambiguous target) is reported before any prompt; then the two-code confirmation of
 * every dangerous command. `--dry-run` prints the SQL and needs no confirmation.
 */
export const rollbackCommand: KustoCommand<RollbackArgs> = {
  command: 'rollback',
  describe: '⚠️ revert the newest applied migrations of one database with their down.sql (-d required, asks for two codes)',
  builder: (yargs) =>
    yargs
      .option('target', {
        alias: 't',
        type: 'string',
        default: DEFAULT_ROLLBACK_TARGET,
        describe:
          'How many migrations to revert (a whole number), or the migration to roll back to, which stays applied ' +
          '(exact folder name or a unique prefix). A number counts steps unless a migration folder has exactly that name',
      })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Print the SQL that would run and change nothing (no confirmation needed)' })
      .option('force', {
        alias: 'f',
        type: 'boolean',
        default: false,
        describe: 'Skip the confirmation codes (needed without a terminal); never replaces -d',
      }),
  async run(args, context) {
    if (args.dryRun) {
      // A dry run only reads (no lock): the direct URL when set, else the main one.
      const { databases } = resolveTargets(args, 'one-required', context, 'rollback');
      const [target] = await prepareRunnerTargets(databases, context, 'preferDirect');
      const rollbackTarget = parseRollbackTarget(args.target, target!.folder);
      const rehearsal = await plan(target!, rollbackTarget);
      const stop = stopReason(target!, rollbackTarget, rehearsal, context);
      if (stop) return stop;
      printPlanSql(target!, rehearsal.plan, context);
      return { exitCode: EXIT_OK };
    }

    let prepared: { target: RunnerTarget; rollbackTarget: RollbackTarget } | undefined;
    const guarded = await guardDangerous(
      args,
      {
        action: 'rollback',
        consequence: 'runs the down.sql of the migrations listed above and removes them from _prisma_migrations',
        force: args.force,
        validate: (folder) => void parseRollbackTarget(args.target, folder),
        requirements: (folder) => refuseUnupgradedSchemas([folder], 'rollback'),
        precheck: async (folder) => {
          // The rollback holds Prisma's migration lock: one server session, checked before any prompt.
          const [target] = await prepareRunnerTargets([folder], context, 'session');
          const rollbackTarget = parseRollbackTarget(args.target, folder);
          const rehearsal = await plan(target!, rollbackTarget);
          const stop = stopReason(target!, rollbackTarget, rehearsal, context);
          if (stop) return stop;
          context.io.err(`Rollback of "${folder.name}" ${describeVia(target!)} reverts ${describeTarget(rollbackTarget)}, newest first:`);
          for (const entry of rehearsal.plan) context.io.err(`    ${printable(entry.name)}`);
          prepared = { target: target!, rollbackTarget };
          return undefined;
        },
      },
      context,
    );
    if (isCommandResult(guarded)) return guarded;
    const { target, rollbackTarget } = prepared!;
    const { createMigrator, migratorOptionsForFolder } = await loadRunner();
    return withInterruptSignal(context, async (signal, interrupted) => {
      const migrator = createMigrator(
        migratorOptionsForFolder(target.folder, target.url, {
          driverDirs: CLI_DRIVER_DIRS,
          logger: { info: (message) => context.io.out(`  ${message}`), warn: () => undefined },
          signal,
        }),
      );
      const printed = printResult(target, await migrator.rollback(rollbackTarget), context);
      return interrupted() ? { exitCode: EXIT_CANCELLED } : printed;
    });
  },
};
