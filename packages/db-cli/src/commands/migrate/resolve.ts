import { printable } from '@kusto/db';
import { EXIT_FAILED, EXIT_OK } from '../../command.js';
import { CliError } from '../../errors.js';
import { palette } from '../../output/colors.js';
import { formatDuration } from '../../output/table.js';
import { describeVia } from '../../targets/connection-url.js';
import { refuseUnupgradedSchemas } from '../../checks/schema-checks.js';
import { resolveTargets } from '../../targets/resolve-targets.js';
import type { MigrateType } from '../migrate.js';
import { CLI_DRIVER_DIRS, describeRunnerError, loadRunner, prepareRunnerTargets } from '../runner-support.js';

/**
 * `migrate -t resolve -d <db> --applied <m> | --rolled-back <m>`: records a migration as applied
 * (without running it) or a failed one as rolled back (so deploy runs it again), with the native
 * runner and Prisma's own rules for what may be resolved. Works offline, on every provider.
 */
export const migrateResolve: MigrateType = {
  name: 'resolve',
  describe: "record a migration as applied or a failed one as rolled back, with the native runner (no Prisma engine; Prisma's rules)",
  options: {
    applied: { type: 'string', describe: 'Migration (folder name) to record as applied, without running it' },
    'rolled-back': { type: 'string', describe: 'Failed migration (folder name) to record as rolled back, so deploy runs it again' },
  },
  async run(args, context) {
    const applied = args['applied'];
    const rolledBack = args['rolledBack'];
    if ((typeof applied === 'string') === (typeof rolledBack === 'string') || applied === '' || rolledBack === '') {
      throw new CliError('USAGE', 'migrate -t resolve needs exactly one of --applied <migration> or --rolled-back <migration>.');
    }
    const started = context.now();
    const { databases } = resolveTargets(args, 'one-required', context, 'migrate -t resolve');
    refuseUnupgradedSchemas(databases, 'migrate -t resolve');
    // Resolve takes the migration lock, as Prisma's does: one server session.
    const [target] = await prepareRunnerTargets(databases, context, 'session');
    const { createMigrator, migratorOptionsForFolder } = await loadRunner();
    const migrator = createMigrator(migratorOptionsForFolder(target!.folder, target!.url, { driverDirs: CLI_DRIVER_DIRS }));
    const result = await migrator.resolve(typeof applied === 'string' ? { applied } : { rolledBack: String(rolledBack) });
    const paint = palette(context.colors);
    const name = target!.folder.name;
    const time = `${describeVia(target!)} ${paint.dim(`(${formatDuration(context.now() - started)})`)}`;
    if (!result.ok) {
      context.io.out(`${paint.fail('✖')} ${paint.bold(name)} resolve ${result.outcome === 'refused' ? 'refused' : 'failed'} ${time}`);
      if (result.error) for (const line of describeRunnerError(result.error, target!)) context.io.err(`    ${line}`);
      return { exitCode: EXIT_FAILED };
    }
    const superseded = result.updated > 0 ? ` (${result.updated} failed attempt${result.updated === 1 ? '' : 's'} marked rolled back)` : '';
    const what = result.outcome === 'applied' ? 'recorded as applied, without running it' : 'marked rolled back: deploy runs it again';
    context.io.out(`${paint.ok('✔')} ${paint.bold(name)} resolve ${time}: ${printable(result.migration)} ${what}${result.outcome === 'applied' ? superseded : ''}`);
    return { exitCode: EXIT_OK };
  },
};
