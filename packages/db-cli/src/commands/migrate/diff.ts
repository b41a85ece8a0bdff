import path from 'node:path';
import { assertPrisma7Schema } from '../../checks/schema-checks.js';
import { CliError } from '../../errors.js';
import { runPrisma } from '../../prisma/run-prisma.js';
import { requireSchemaEngine } from '../../prisma/schema-engine.js';
import { prismaUrlVars, requireConnection } from '../../targets/connection-url.js';
import { urlEnvVarOf } from '../../targets/database-url.js';
import { resolveTargets } from '../../targets/resolve-targets.js';
import type { MigrateType } from '../migrate.js';

const PATH_OPTIONS = ['from-schema', 'to-schema', 'from-migrations', 'to-migrations', 'output'] as const;
const FLAG_OPTIONS = ['from-empty', 'to-empty', 'from-config-datasource', 'to-config-datasource', 'script', 'exit-code'] as const;

function camel(option: string): string {
  return option.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

export const migrateDiff: MigrateType = {
  name: 'diff',
  describe: 'prisma migrate diff for one database (its config datasource is that database)',
  options: {
    'from-empty': { type: 'boolean', describe: 'Diff from an empty datamodel' },
    'to-empty': { type: 'boolean', describe: 'Diff to an empty datamodel' },
    'from-schema': { type: 'string', describe: 'Diff from this Prisma schema file' },
    'to-schema': { type: 'string', describe: 'Diff to this Prisma schema file' },
    'from-migrations': { type: 'string', describe: 'Diff from this migrations folder (needs a shadow database)' },
    'to-migrations': { type: 'string', describe: 'Diff to this migrations folder (needs a shadow database)' },
    'from-config-datasource': { type: 'boolean', describe: "Diff from the database's current state" },
    'to-config-datasource': { type: 'boolean', describe: "Diff to the database's current state" },
    script: { type: 'boolean', describe: 'Print SQL instead of a summary' },
    'exit-code': { type: 'boolean', describe: 'Exit 2 when the diff is not empty, 0 when empty' },
    output: { alias: 'o', type: 'string', describe: 'Write the diff to this file' },
  },
  async run(args, context) {
    const { projectDir, databases } = resolveTargets(args, 'one-required', context, 'migrate -t diff');
    const folder = databases[0]!;
    assertPrisma7Schema(folder);
    const prismaArgs = ['migrate', 'diff'];
    for (const option of PATH_OPTIONS) {
      const value = args[camel(option)];
      if (typeof value === 'string') prismaArgs.push(`--${option}`, path.resolve(projectDir, value));
    }
    for (const option of FLAG_OPTIONS) if (args[camel(option)] === true) prismaArgs.push(`--${option}`);
    if (!prismaArgs.some((arg) => arg.startsWith('--from-')) || !prismaArgs.some((arg) => arg.startsWith('--to-'))) {
      throw new CliError('USAGE', 'migrate -t diff needs one --from-… and one --to-… option (see kusto-db migrate --help).');
    }
    await requireSchemaEngine('migrate -t diff', folder, projectDir, context);
    // Only a config datasource reads the database (no lock): then the direct URL when set.
    const urlVars =
      args['fromConfigDatasource'] === true || args['toConfigDatasource'] === true
        ? prismaUrlVars(await requireConnection(folder, context, 'preferDirect'))
        : { envVar: urlEnvVarOf(folder) };
    const result = await runPrisma({ folder, ...urlVars, args: prismaArgs, projectDir }, context);
    return { exitCode: result.exitCode };
  },
};
