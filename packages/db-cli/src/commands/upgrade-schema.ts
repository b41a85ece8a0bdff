import type { DatabaseFolder } from '@kusto/db';
import { schemaUrlFix } from '../checks/schema-checks.js';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { KustoCommand } from '../command.js';
import type { GlobalArgs } from '../global-options.js';
import { forEachDatabase, summarize, type DatabaseWork } from '../targets/for-each-database.js';
import { resolveTargets } from '../targets/resolve-targets.js';
import { renderPrismaConfig } from '../templates/scaffold.js';
import { removeDatasourceUrl } from '../checks/remove-datasource-url.js';

export { removeDatasourceUrl } from '../checks/remove-datasource-url.js';

async function upgrade(folder: DatabaseFolder): Promise<DatabaseWork> {
  if (!folder.schema.hasUrl) return { result: 'ok', detail: 'already Prisma 7 style (no url in the schema)' };
  const envVar = folder.schema.urlEnv;
  if (!envVar) {
    return {
      result: 'failed',
      detail: `the datasource url is a literal URL, which upgrade-schema does not write to disk; ${schemaUrlFix(folder)}`,
    };
  }
  const source = await fsp.readFile(folder.schemaPath, 'utf8');
  const upgraded = removeDatasourceUrl(source);
  if (upgraded === undefined) return { result: 'failed', detail: 'could not find the url line in the datasource block' };
  const notes: string[] = [];
  if (folder.prismaConfigPath) {
    const config = await fsp.readFile(folder.prismaConfigPath, 'utf8');
    if (!/\bdatasource\s*:/.test(config)) {
      return {
        result: 'failed',
        detail: `${path.basename(folder.prismaConfigPath)} exists without a datasource; add datasource: { url: process.env["${envVar}"] } to it and run again`,
      };
    }
    if (!config.includes(envVar)) notes.push(`check that ${path.basename(folder.prismaConfigPath)} reads ${envVar}`);
  } else {
    await fsp.writeFile(path.join(folder.dir, 'prisma.config.ts'), renderPrismaConfig(envVar));
    notes.push(`wrote prisma.config.ts reading ${envVar}`);
  }
  await fsp.writeFile(folder.schemaPath, upgraded);
  notes.unshift('removed url from schema.prisma');
  return { result: 'ok', detail: notes.join('; ') };
}

export const upgradeSchemaCommand: KustoCommand<GlobalArgs> = {
  command: 'upgrade-schema',
  describe: 'Move a Prisma 6 style url = env("X") out of schema.prisma into the folder\'s prisma.config.ts (keeps X)',
  builder: (yargs) => yargs,
  async run(args, context) {
    const { databases } = resolveTargets(args, 'all-by-default', context, 'upgrade-schema');
    const outcomes = await forEachDatabase(databases, upgrade, { action: 'upgrade-schema' }, context);
    return { exitCode: summarize(outcomes, context) };
  },
};

