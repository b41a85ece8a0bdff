import type { KustoCommand } from '../command.js';
import type { GlobalArgs } from '../global-options.js';
import { FORCE_OPTION, runGuardedPrisma } from './guarded-prisma.js';

export interface PullArgs extends GlobalArgs {
  readonly force: boolean;
}

export const pullCommand: KustoCommand<PullArgs> = {
  command: 'pull',
  describe: '⚠️ prisma db pull: overwrite schema.prisma from the database (-d required, asks for two codes)',
  builder: (yargs) => yargs.option('force', FORCE_OPTION),
  run: (args, context) =>
    runGuardedPrisma(args, context, {
      action: 'pull',
      consequence: 'overwrites its schema.prisma with what the database holds now',
      force: args.force,
      prismaArgs: ['db', 'pull'],
      need: 'preferDirect',
    }),
};
