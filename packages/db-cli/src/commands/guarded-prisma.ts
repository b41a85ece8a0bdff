import { assertPrisma7Schema } from '../checks/schema-checks.js';
import type { CommandResult } from '../command.js';
import type { CliContext } from '../context.js';
import type { GlobalArgs } from '../global-options.js';
import { runPrisma } from '../prisma/run-prisma.js';
import { requireSchemaEngine } from '../prisma/schema-engine.js';
import { projectDirOf } from '../targets/resolve-targets.js';
import { guardDangerous, isCommandResult } from '../safety/guard-dangerous.js';
import { prismaUrlVars, requireConnection, type ConnectionNeed, type ConnectionUrl } from '../targets/connection-url.js';

/** The `--force` option of the Prisma-backed dangerous commands, described once. */
export const FORCE_OPTION = {
  alias: 'f',
  type: 'boolean',
  default: false,
  describe: 'Skip the confirmation codes (needed without a terminal); never replaces -d',
} as const;

/**
 * A dangerous Prisma command on one database: the safety checks in their fixed order (`-d`, a
 * Prisma 7 schema and Prisma's schema engine there (offline), a terminal or `--force`, a URL fit for `need`, the two codes), then Prisma
 * itself, connected as `need` says (see {@link ConnectionNeed}).
 */
export async function runGuardedPrisma(
  args: GlobalArgs,
  context: CliContext,
  options: {
    readonly action: string;
    readonly consequence: string;
    readonly force: boolean;
    readonly prismaArgs: readonly string[];
    readonly need: ConnectionNeed;
  },
): Promise<CommandResult> {
  let connection: ConnectionUrl | undefined;
  const guarded = await guardDangerous(
    args,
    {
      action: options.action,
      consequence: options.consequence,
      force: options.force,
      requirements: async (folder) => {
        assertPrisma7Schema(folder);
        await requireSchemaEngine(options.action, folder, projectDirOf(args, context), context);
      },
      precheck: async (folder) => {
        connection = await requireConnection(folder, context, options.need);
      },
    },
    context,
  );
  if (isCommandResult(guarded)) return guarded;
  const { folder, targets } = guarded;
  const result = await runPrisma({ folder, ...prismaUrlVars(connection!), args: options.prismaArgs, projectDir: targets.projectDir }, context);
  return { exitCode: result.exitCode };
}
