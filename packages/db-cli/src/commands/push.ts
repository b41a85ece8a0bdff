import type { KustoCommand } from '../command.js';
import { assertPrisma7Schema } from '../checks/schema-checks.js';
import type { GlobalArgs } from '../global-options.js';
import { runPrisma } from '../prisma/run-prisma.js';
import { guardDangerous, isCommandResult } from '../safety/guard-dangerous.js';
import { requireUrl, urlEnvVarOf } from '../targets/database-url.js';

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
      .option('force', {
        alias: 'f',
        type: 'boolean',
        default: false,
        describe: 'Skip the confirmation codes (needed without a terminal); never replaces -d',
      }),
  async run(args, context) {
    const guarded = await guardDangerous(
      args,
      {
        action: 'push',
        consequence: `changes its tables to match schema.prisma without a migration${args.acceptDataLoss ? ', accepting data loss' : ''}`,
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
    const prismaArgs = ['db', 'push'];
    if (args.acceptDataLoss) prismaArgs.push('--accept-data-loss');
    const result = await runPrisma({ folder, envVar: urlEnvVarOf(folder), args: prismaArgs, projectDir: targets.projectDir }, context);
    return { exitCode: result.exitCode };
  },
};
