import { printable } from '@kusto/db';
import path from 'node:path';
import { EXIT_CANCELLED, EXIT_FAILED, EXIT_OK } from '../../command.js';
import type { CliContext } from '../../context.js';
import { palette } from '../../output/colors.js';
import { formatDuration, renderTable } from '../../output/table.js';
import { refuseUnupgradedSchemas } from '../../checks/schema-checks.js';
import { countdown, resolveWaitSeconds } from '../../safety/countdown.js';
import { resolveTargets } from '../../targets/resolve-targets.js';
import type { DeployResult } from '@kusto/migrate';
import { describeVia } from '../../targets/connection-url.js';
import { migrationFolders } from '../../targets/migration-folders.js';
import { CLI_DRIVER_DIRS, describeRunnerError, loadRunner, prepareRunnerTargets, withInterruptSignal, type RunnerTarget } from '../runner-support.js';
import type { MigrateType } from '../migrate.js';

/** One database's line in the deploy summary. `notRun`: an earlier database failed, so it was not touched. */
interface DeployOutcome {
  readonly database: string;
  readonly result: 'applied' | 'up to date' | 'no migrations' | 'failed' | 'not run';
  readonly applied: number;
  readonly ms: number | undefined;
}

function countdownLabel(targets: readonly RunnerTarget[]): string {
  if (targets.length === 1) return `migrate -t deploy to "${targets[0]!.folder.name}"`;
  return `migrate -t deploy to ${targets.length} databases (${targets.map((target) => target.folder.name).join(', ')})`;
}

/** Prints what the runner reported for one database and returns its summary line. */
function report(target: RunnerTarget, result: DeployResult, context: CliContext): DeployOutcome {
  const paint = palette(context.colors);
  const name = target.folder.name;
  const applied = result.results.filter((run) => run.status === 'succeeded').length;
  for (const ignored of result.ignored) context.io.err(`${paint.warn('!')} ${name}: skipped migrations/${printable(ignored.name)}: ${ignored.reason}`);
  for (const warning of result.warnings) context.io.err(`${paint.warn('!')} ${name}: ${warning}`);
  const time = `${describeVia(target)} ${paint.dim(`(${formatDuration(result.durationMs)})`)}`;
  if (result.ok) {
    // Nothing applied because the folder has no migrations at all: say so, and where they would be.
    const none = applied === 0 && migrationFolders(target.folder.migrationsDir).length === 0;
    const where = path.relative(context.cwd, target.folder.migrationsDir) || target.folder.migrationsDir;
    const detail = none
      ? `no migrations: ${where}/ has none (create one with kusto-db migrate -t dev -n <name> -d ${name}, or write ${where}/<timestamp>_<name>/migration.sql)`
      : applied === 0
        ? 'nothing to do, up to date'
        : `applied ${applied} migration${applied === 1 ? '' : 's'}`;
    context.io.out(`${paint.ok('✔')} ${paint.bold(name)} deploy ${time}: ${detail}`);
    return { database: name, result: none ? 'no migrations' : applied === 0 ? 'up to date' : 'applied', applied, ms: result.durationMs };
  }
  context.io.out(`${paint.fail('✖')} ${paint.bold(name)} deploy failed ${time}`);
  if (result.error) for (const line of describeRunnerError(result.error, target)) context.io.err(`    ${line}`);
  const notRun = result.results.filter((run) => run.status === 'notRun').map((run) => printable(run.name));
  if (notRun.length > 0) context.io.err(`    Not run: ${notRun.join(', ')}.`);
  return { database: name, result: 'failed', applied, ms: result.durationMs };
}

function summary(outcomes: readonly DeployOutcome[], context: CliContext): void {
  const paint = palette(context.colors);
  context.io.out('');
  const lines = renderTable(
    ['database', 'result', 'applied', 'time'],
    outcomes.map((outcome) => [outcome.database, outcome.result, String(outcome.applied), outcome.ms === undefined ? '-' : formatDuration(outcome.ms)]),
    (cell, row, column) => {
      if (column !== 1) return cell;
      const result = outcomes[row]?.result;
      return result === 'failed' ? paint.fail(cell) : result === 'not run' ? paint.warn(cell) : paint.ok(cell);
    },
  );
  for (const line of lines) context.io.out(line);
}

/**
 * `migrate -t deploy [-a | -d]`: every database's URL and provider are checked, then the forced
 * countdown runs (Ctrl+C aborts with 130 and nothing runs), then each database is deployed in
 * name order with the native runner. The first database that fails stops the run: the ones after
 * it are not touched and show as `not run`.
 */
export const migrateDeploy: MigrateType = {
  name: 'deploy',
  describe: 'apply pending migrations with the native runner (no Prisma engine), after a countdown',
  options: {
    wait: {
      // A string, so a mistake is shown as typed ("abc"), not as the NaN yargs would make of it.
      type: 'string',
      requiresArg: true,
      describe: 'Seconds to count down before deploying (default 10; less needs --force)',
    },
    force: { alias: 'f', type: 'boolean', describe: 'allow a --wait shorter than the default countdown' },
  },
  async run(args, context) {
    const wait = args['wait'];
    const seconds = resolveWaitSeconds(typeof wait === 'number' || typeof wait === 'string' ? wait : undefined, args['force'] === true);
    const { databases } = resolveTargets(args, 'all-by-default', context, 'migrate -t deploy');
    refuseUnupgradedSchemas(databases, 'migrate -t deploy');
    // Deploy holds Prisma's migration lock for the whole run: one server session per database.
    const targets = await prepareRunnerTargets(databases, context, 'session');
    if (targets.length === 0) {
      context.io.out('No databases to work on.');
      return { exitCode: EXIT_OK };
    }
    // `--wait 0 --force` skips the countdown altogether (scripted runs that already asked).
    if (seconds > 0 && (await countdown({ seconds, label: countdownLabel(targets) }, context)) === 'aborted') return { exitCode: EXIT_CANCELLED };

    const { createMigrator, migratorOptionsForFolder } = await loadRunner();
    const paint = palette(context.colors);
    const outcomes: DeployOutcome[] = [];
    let failed: string | undefined;
    return withInterruptSignal(context, async (signal, interrupted) => {
      for (const target of targets) {
        if (failed !== undefined) {
          context.io.out(`${paint.warn('■')} ${paint.bold(target.folder.name)} deploy not run: "${failed}" failed first`);
          outcomes.push({ database: target.folder.name, result: 'not run', applied: 0, ms: undefined });
          continue;
        }
        const migrator = createMigrator(
          migratorOptionsForFolder(target.folder, target.url, {
            driverDirs: CLI_DRIVER_DIRS,
            logger: { info: (message) => context.io.out(`  ${message}`), warn: () => undefined },
            signal,
          }),
        );
        const outcome = report(target, await migrator.deploy(), context);
        outcomes.push(outcome);
        if (outcome.result === 'failed') failed = target.folder.name;
      }
      summary(outcomes, context);
      if (interrupted()) return { exitCode: EXIT_CANCELLED };
      return { exitCode: failed === undefined ? EXIT_OK : EXIT_FAILED };
    });
  },
};
