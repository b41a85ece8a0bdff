import { redactUrl, type DatabaseFolder } from '@kusto/db';
import fs from 'node:fs';
import path from 'node:path';
import type { KustoCommand } from '../command.js';
import type { GlobalArgs } from '../global-options.js';
import { renderTable } from '../output/table.js';
import { urlStateOf } from '../targets/database-url.js';
import { resolveTargets } from '../targets/resolve-targets.js';

/** One row of `kusto-db list`. The URL appears only redacted. */
export interface DatabaseListing {
  readonly name: string;
  readonly provider: string | null;
  readonly envVar: string;
  readonly envSet: boolean;
  readonly target: string | null;
  readonly clientGenerated: boolean;
  readonly migrations: number;
  readonly seed: boolean;
}

/** Number of `migrations/<name>/migration.sql` folders. */
export function countMigrations(migrationsDir: string): number {
  if (!fs.existsSync(migrationsDir)) return 0;
  return fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(migrationsDir, entry.name, 'migration.sql'))).length;
}

export function describeDatabase(folder: DatabaseFolder, env: NodeJS.ProcessEnv, redact: (url: string) => string): DatabaseListing {
  const { envVar, url } = urlStateOf(folder, env);
  return {
    name: folder.name,
    provider: folder.schema.provider ?? null,
    envVar,
    envSet: url !== undefined,
    target: url === undefined ? null : redact(url),
    clientGenerated: fs.existsSync(path.join(folder.clientDir, 'index.js')),
    migrations: countMigrations(folder.migrationsDir),
    seed: folder.seedPath !== undefined,
  };
}

export const listCommand: KustoCommand<GlobalArgs & { json: boolean }> = {
  command: 'list',
  describe: 'List the databases: provider, URL variable, redacted target, client, migrations, seed',
  builder: (yargs) => yargs.option('json', { type: 'boolean', default: false, describe: 'Print JSON instead of a table' }),
  run(args, context) {
    const { discovery, databases } = resolveTargets(args, 'all-by-default', context, 'list');
    const listings = databases.map((folder) => describeDatabase(folder, context.env, redactUrl));
    if (args.json) {
      context.io.out(JSON.stringify({ root: discovery.root, databases: listings, skipped: discovery.skipped }, null, 2));
      return { exitCode: 0 };
    }
    context.io.out(`Databases under ${discovery.root}:`);
    const rows = listings.map((l) => [
      l.name,
      l.provider ?? '?',
      `${l.envVar} (${l.envSet ? 'set' : 'missing'})`,
      l.target ?? '-',
      l.clientGenerated ? 'yes' : 'no',
      String(l.migrations),
      l.seed ? 'yes' : 'no',
    ]);
    for (const line of renderTable(['name', 'provider', 'env var', 'target', 'client', 'migrations', 'seed'], rows)) context.io.out(line);
    for (const skipped of discovery.skipped) context.io.out(`skipped ${skipped.name}: ${skipped.reason}`);
    return { exitCode: 0 };
  },
};
