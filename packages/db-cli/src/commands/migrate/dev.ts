import type { DatabaseFolder } from '@kusto/db';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { assertPrisma7Schema } from '../../checks/schema-checks.js';
import { EXIT_CANCELLED } from '../../command.js';
import type { CliContext } from '../../context.js';
import { CliError } from '../../errors.js';
import { runPrisma } from '../../prisma/run-prisma.js';
import { requireSchemaEngine } from '../../prisma/schema-engine.js';
import { prismaUrlVars, requireConnection, type PrismaUrlVars } from '../../targets/connection-url.js';
import { migrationFolders } from '../../targets/migration-folders.js';
import { resolveTargets } from '../../targets/resolve-targets.js';
import type { MigrateType } from '../migrate.js';

/** The SQL that takes the database from `schema.prisma` back to its current state, why Prisma could not diff, or Ctrl+C. */
export type DownScript = { readonly sql: string } | { readonly reason: string } | { readonly interrupted: true };

/**
 * Asks Prisma for the reverse diff (`--from-schema` the new schema `--to-config-datasource` the
 * database as it is now), before `migrate dev` changes the database.
 */
export async function computeDownScript(folder: DatabaseFolder, urlVars: PrismaUrlVars, projectDir: string, context: CliContext): Promise<DownScript> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kusto-db-down-'));
  try {
    const file = path.join(dir, 'down.sql');
    const args = ['migrate', 'diff', '--from-schema', folder.schemaPath, '--to-config-datasource', '--script', '--output', file];
    const result = await runPrisma({ folder, ...urlVars, args, projectDir, stdio: 'capture' }, context);
    if (result.interrupted) return { interrupted: true };
    if (result.exitCode === 0 && fs.existsSync(file)) return { sql: await fsp.readFile(file, 'utf8') };
    const lastLines = result.output.trim().split('\n').slice(-2).join(' ').trim();
    return { reason: `prisma migrate diff exited with ${result.exitCode}${lastLines ? ` (${lastLines})` : ''}` };
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

export const migrateDev: MigrateType = {
  name: 'dev',
  describe: 'prisma migrate dev --name <name> on one database, plus down.sql when Prisma can diff',
  options: {
    name: { alias: 'n', type: 'string', describe: 'Name of the new migration (passed to Prisma as one argument)' },
    'create-only': { type: 'boolean', describe: 'Create the migration without applying it' },
  },
  async run(args, context) {
    const name = args['name'];
    if (typeof name !== 'string' || name.trim() === '') throw new CliError('USAGE', 'migrate -t dev needs a migration name: -n <name>.');
    const { projectDir, databases } = resolveTargets(args, 'one-required', context, 'migrate -t dev');
    const folder = databases[0]!;
    assertPrisma7Schema(folder);
    await requireSchemaEngine('migrate -t dev', folder, projectDir, context);
    // Prisma applies the new migration under its migration lock: one server session.
    const urlVars = prismaUrlVars(await requireConnection(folder, context, 'session'));
    const before = new Set(migrationFolders(folder.migrationsDir));
    const down = await computeDownScript(folder, urlVars, projectDir, context);
    if ('interrupted' in down) return { exitCode: EXIT_CANCELLED };
    const prismaArgs = ['migrate', 'dev', '--name', name];
    if (args['createOnly'] === true) prismaArgs.push('--create-only');
    const result = await runPrisma({ folder, ...urlVars, args: prismaArgs, projectDir }, context);
    if (result.exitCode !== 0) return { exitCode: result.exitCode };
    const added = migrationFolders(folder.migrationsDir).filter((entry) => !before.has(entry));
    const created = added.at(-1);
    if (created === undefined) {
      context.io.out('No new migration was created, so no down.sql was written.');
    } else if ('sql' in down) {
      const file = path.join(folder.migrationsDir, created, 'down.sql');
      await fsp.writeFile(file, down.sql);
      context.io.out(`Wrote ${path.relative(projectDir, file)} (reverts ${created}). Review it before committing.`);
    } else if ('reason' in down) {
      context.io.out(`No down.sql for ${created}: Prisma could not diff (${down.reason}). Write it by hand if you need a rollback.`);
    }
    return { exitCode: 0 };
  },
};
