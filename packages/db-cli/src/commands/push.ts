import type { KustoCommand } from '../command.js';
import type { GlobalArgs } from '../global-options.js';
import { FORCE_OPTION, runGuardedPrisma } from './guarded-prisma.js';

export interface PushArgs extends GlobalArgs {
  readonly force: boolean;
  readonly 'accept-data-loss': boolean;
}

export const pushCommand: KustoCommand<PushArgs> = {
  command: 'push',
  describe: '⚠️ prisma db push: change the database to match schema.prisma without a migration (-d required, asks for two codes)',
  builder: (yargs) =>
    yargs
      .option('accept-data-loss', { type: 'boolean', default: false, describe: "Apply changes Prisma warns will lose data (Prisma's --accept-data-loss)" })
      .option('force', FORCE_OPTION),
  run: (args, context) =>
    runGuardedPrisma(args, context, {
      action: 'push',
      consequence: `changes its tables to match schema.prisma without a migration${args.acceptDataLoss ? ', accepting data loss' : ''}`,
      force: args.force,
      prismaArgs: args.acceptDataLoss ? ['db', 'push', '--accept-data-loss'] : ['db', 'push'],
      // Prisma's db push takes no migration lock.
      need: 'preferDirect',
    }),
};
