import { assertPrisma7Schema } from '../../checks/schema-checks.js';
import { runPrisma } from '../../prisma/run-prisma.js';
import { guardDangerous, isCommandResult } from '../../safety/guard-dangerous.js';
import { requireUrl, urlEnvVarOf } from '../../targets/database-url.js';
import type { MigrateType } from '../migrate.js';

export const migrateReset: MigrateType = {
  name: 'reset',
  describe: '⚠️ prisma migrate reset on one database (drops all data; asks for two codes)',
  options: {
    force: { alias: 'f', type: 'boolean', describe: 'Skip the confirmation codes (needed without a terminal); never replaces -d' },
  },
  async run(args, context) {
    const guarded = await guardDangerous(
      args,
      {
        action: 'migrate -t reset',
        consequence: 'drops the database schema with all its data, then re-applies every migration',
        force: args['force'] === true,
        precheck: (folder) => {
          assertPrisma7Schema(folder);
          requireUrl(folder, context.env);
        },
      },
      context,
    );
    if (isCommandResult(guarded)) return guarded;
    const { folder, targets } = guarded;
    // Confirmed above, so Prisma's own prompt is skipped.
    const result = await runPrisma({ folder, envVar: urlEnvVarOf(folder), args: ['migrate', 'reset', '--force'], projectDir: targets.projectDir }, context);
    return { exitCode: result.exitCode };
  },
};
