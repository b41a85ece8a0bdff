import type { KustoCommand } from '../command.js';
import { assertPrisma7Schema } from '../checks/schema-checks.js';
import type { GlobalArgs } from '../global-options.js';
import { runPrisma } from '../prisma/run-prisma.js';
import { guardDangerous, isCommandResult } from '../safety/guard-dangerous.js';
import { requireUrl, urlEnvVarOf } from '../targets/database-url.js';

export interface PullArgs extends GlobalArgs {
  readonly force: boolean;
}

export const pullCommand: KustoCommand<PullArgs> = {
  command: 'pull',
  describe: '⚠️ prisma db pull: overwrite schema.prisma from the database (-d required, asks for two codes)',
  builder: (yargs) =>
    yargs.option('force', {
      alias: 'f',
      type: 'boolean',
      default: false,
      describe: 'Skip the confirmation codes (needed without a terminal); never replaces -d',
    }),
  async run(args, context) {
    const guarded = await guardDangerous(
      args,
      {
        action: 'pull',
        consequence: 'overwrites its schema.prisma with what the database holds now',
        force: args.force,
        precheck: (folder) => {
          assertPrisma7Schema(folder);
          requireUrl(folder, context.env);
        },
      },
      context,
    );
    if (isCommandResult(guarded)) return guarded;
    const { folder, targets } = guarded;
    const result = await runPrisma({ folder, envVar: urlEnvVarOf(folder), args: ['db', 'pull'], projectDir: targets.projectDir }, context);
    return { exitCode: result.exitCode };
  },
};
