import { FORCE_OPTION, runGuardedPrisma } from '../guarded-prisma.js';
import type { MigrateType } from '../migrate.js';

export const migrateReset: MigrateType = {
  name: 'reset',
  describe: '⚠️ prisma migrate reset on one database (drops all data; asks for two codes)',
  options: {
    force: { alias: FORCE_OPTION.alias, type: FORCE_OPTION.type, describe: FORCE_OPTION.describe },
  },
  run: (args, context) =>
    runGuardedPrisma(args, context, {
      action: 'migrate -t reset',
      consequence: 'drops the database schema with all its data, then re-applies every migration',
      force: args['force'] === true,
      // Prisma re-applies every migration under its migration lock: one server session.
      need: 'session',
      // Confirmed by our two codes, so Prisma's own prompt is skipped.
      prismaArgs: ['migrate', 'reset', '--force'],
    }),
};
