import { declaresTransactionPooler, describeTarget, resolveDirectUrlSource, type DatabaseFolder } from '@kusto/db';
import type { KustoCommand } from '../command.js';
import { schemaUrlFix } from '../checks/schema-checks.js';
import { describeEnvFile } from '../env/env-file.js';
import type { GlobalArgs } from '../global-options.js';
import { clientState } from '../targets/client-state.js';
import { renderTable } from '../output/table.js';
import { chooseConnectionUrl } from '../targets/connection-url.js';
import { urlStateOf } from '../targets/database-url.js';
import { migrationFolders } from '../targets/migration-folders.js';
import { resolveTargets, rootLine } from '../targets/resolve-targets.js';

/** One row of `kusto-db list`. The URL appears only redacted. */
export interface DatabaseListing {
  readonly name: string;
  readonly provider: string | null;
  readonly envVar: string;
  readonly envSet: boolean;
  readonly target: string | null;
  /** The main URL has `pgbouncer=true`: it reaches a transaction pooler. */
  readonly pooled: boolean;
  /** The direct URL (`RDS_<NAME>_DIRECT_URL`), for work that needs one server session. */
  readonly direct: { readonly envVar: string; readonly envSet: boolean; readonly target: string | null };
  /**
   * The variable `migrate -t deploy`, `rollback` and Prisma's migrate commands connect with, or
   * null when they would refuse (no URL, or a transaction pooler only).
   */
  readonly sessionVia: string | null;
  readonly clientGenerated: boolean;
  /** The client was generated (by `kusto-db generate`) from another schema than the folder's now: run `kusto-db generate`. */
  readonly clientStale: boolean;
  readonly migrations: number;
  readonly seed: boolean;
  /** The X of a Prisma 6 style `url = env("X")` in the schema (Prisma 7 rejects it; `upgrade-schema` moves it), else null. */
  readonly legacyUrlEnv: string | null;
}

export function describeDatabase(folder: DatabaseFolder, env: NodeJS.ProcessEnv): DatabaseListing {
  const { envVar, url } = urlStateOf(folder, env);
  const direct = resolveDirectUrlSource(folder, undefined, env);
  const session = chooseConnectionUrl(folder, env, 'session');
  const client = clientState(folder);
  return {
    name: folder.name,
    provider: folder.schema.provider ?? null,
    envVar,
    envSet: url !== undefined,
    target: url === undefined ? null : describeTarget(url),
    pooled: url !== undefined && declaresTransactionPooler(url),
    direct: { envVar: direct.envVar, envSet: direct.url !== undefined, target: direct.url === undefined ? null : describeTarget(direct.url) },
    sessionVia: session.state === 'chosen' ? session.connection.envVar : null,
    clientGenerated: client !== 'missing',
    clientStale: client === 'stale',
    migrations: migrationFolders(folder.migrationsDir).length,
    seed: folder.seedPath !== undefined,
    legacyUrlEnv: folder.schema.hasUrl ? (folder.schema.urlEnv ?? null) : null,
  };
}

/** The `migrate via` cell: the variable session work uses, with the direct URL's target, or why there is none. */
function sessionCell(listing: DatabaseListing): string {
  if (listing.sessionVia === null) return listing.pooled ? `refused: set ${listing.direct.envVar}` : '-';
  return listing.sessionVia === listing.direct.envVar ? `${listing.direct.envVar} (${listing.direct.target ?? ''})` : listing.sessionVia;
}

export const listCommand: KustoCommand<GlobalArgs & { json: boolean }> = {
  command: 'list',
  describe: 'List the databases: provider, URL variable, redacted target, the URL migrations use, client, migrations, seed',
  builder: (yargs) => yargs.option('json', { type: 'boolean', default: false, describe: 'Print JSON instead of a table' }),
  run(args, context) {
    // The table's own first line names the root; the JSON document has it as `root`, and stderr says it too.
    const { projectDir, discovery, databases } = resolveTargets(args, 'all-by-default', context, 'list', { announceRoot: args.json });
    const listings = databases.map((folder) => describeDatabase(folder, context.env));
    if (args.json) {
      context.io.out(JSON.stringify({ root: discovery.root, envFile: context.envFile ?? null, databases: listings, skipped: discovery.skipped }, null, 2));
      return { exitCode: 0 };
    }
    context.io.out(`${rootLine(discovery.root)}:`);
    const rows = listings.map((l) => [
      l.name,
      l.provider ?? '?',
      `${l.envVar} (${l.envSet ? (l.pooled ? 'set, pgbouncer=true' : 'set') : 'missing'})`,
      l.target ?? '-',
      sessionCell(l),
      l.clientStale ? 'stale' : l.clientGenerated ? 'yes' : 'no',
      String(l.migrations),
      l.seed ? 'yes' : 'no',
    ]);
    for (const line of renderTable(['name', 'provider', 'env var', 'target', 'migrate via', 'client', 'migrations', 'seed'], rows)) context.io.out(line);
    for (const skipped of discovery.skipped) context.io.out(`skipped ${skipped.name}: ${skipped.reason}`);
    for (const folder of databases.filter((entry) => entry.schema.hasUrl)) {
      const listing = listings.find((entry) => entry.name === folder.name)!;
      context.io.out(
        listing.legacyUrlEnv === null
          ? `! ${folder.name}: schema.prisma has a literal datasource url, which Prisma 7 rejects: ${schemaUrlFix(folder)}.`
          : `! ${folder.name}: schema.prisma has url = env("${listing.legacyUrlEnv}") (Prisma 6 style, rejected by Prisma 7; generate, validate and studio work around it): kusto-db upgrade-schema -d ${folder.name}`,
      );
    }
    if (context.envFile) context.io.out(`env file: ${describeEnvFile(context.envFile, projectDir)}`);
    return { exitCode: 0 };
  },
};
