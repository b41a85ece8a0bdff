import type { KustoCommand } from '../command.js';
import { assertUsableSchema } from '../checks/schema-checks.js';
import { legacySchemaWarning, prepareSchema } from '../prisma/legacy-schema.js';
import type { GlobalArgs } from '../global-options.js';
import { runPrisma } from '../prisma/run-prisma.js';
import { prismaUrlVars, requireConnection } from '../targets/connection-url.js';
import { resolveTargets } from '../targets/resolve-targets.js';

export interface StudioArgs extends GlobalArgs {
  readonly port: number | undefined;
  readonly browser: string | undefined;
}

export const studioCommand: KustoCommand<StudioArgs> = {
  command: 'studio',
  describe: 'Open Prisma Studio on one database (-d required)',
  builder: (yargs) =>
    yargs
      .option('port', { alias: 'p', type: 'number', describe: 'Port Studio listens on [default: Prisma\'s, 5555]' })
      .option('browser', { alias: 'b', type: 'string', describe: 'Browser to open, or "none" [default: the system browser]' }),
  async run(args, context) {
    const { projectDir, databases } = resolveTargets(args, 'one-required', context, 'studio');
    const folder = databases[0]!;
    assertUsableSchema(folder);
    const connection = await requireConnection(folder, context, 'preferDirect');
    const prismaArgs = ['studio'];
    if (args.port !== undefined) prismaArgs.push('--port', String(args.port));
    if (args.browser !== undefined) prismaArgs.push('--browser', args.browser);
    const legacy = legacySchemaWarning([folder]);
    if (legacy) context.io.err(`! ${legacy}`);
    const prepared = await prepareSchema(folder);
    try {
      const result = await runPrisma({ folder: prepared.folder, ...prismaUrlVars(connection), args: prismaArgs, projectDir, usesSchemaEngine: false }, context);
      return { exitCode: result.exitCode };
    } finally {
      await prepared.dispose();
    }
  },
};
