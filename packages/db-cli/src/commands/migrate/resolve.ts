import { assertPrisma7Schema } from '../../checks/schema-checks.js';
import { CliError } from '../../errors.js';
import { runPrisma } from '../../prisma/run-prisma.js';
import { prismaUrlVars, requireConnection } from '../../targets/connection-url.js';
import { resolveTargets } from '../../targets/resolve-targets.js';
import type { MigrateType } from '../migrate.js';

export const migrateResolve: MigrateType = {
  name: 'resolve',
  describe: 'prisma migrate resolve: record a migration as applied or rolled back',
  options: {
    applied: { type: 'string', describe: 'Migration (folder name) to record as applied' },
    'rolled-back': { type: 'string', describe: 'Migration (folder name) to record as rolled back' },
  },
  async run(args, context) {
    const applied = args['applied'];
    const rolledBack = args['rolledBack'];
    if ((typeof applied === 'string') === (typeof rolledBack === 'string')) {
      throw new CliError('USAGE', 'migrate -t resolve needs exactly one of --applied <migration> or --rolled-back <migration>.');
    }
    const { projectDir, databases } = resolveTargets(args, 'one-required', context, 'migrate -t resolve');
    const folder = databases[0]!;
    assertPrisma7Schema(folder);
    // Prisma marks migrations under its migration lock: one server session.
    const connection = await requireConnection(folder, context, 'session');
    const prismaArgs =
      typeof applied === 'string' ? ['migrate', 'resolve', '--applied', applied] : ['migrate', 'resolve', '--rolled-back', String(rolledBack)];
    const result = await runPrisma({ folder, ...prismaUrlVars(connection), args: prismaArgs, projectDir }, context);
    return { exitCode: result.exitCode };
  },
};
