import type { KustoCommand } from '../command.js';
import type { GlobalArgs } from '../global-options.js';
import { palette } from '../output/colors.js';
import { forEachDatabase, summarize, type DatabaseWork } from '../targets/for-each-database.js';
import { refuseUnupgradedSchemas } from '../checks/schema-checks.js';
import { resolveTargets } from '../targets/resolve-targets.js';
import { describeRunnerError, loadRunner, prepareRunnerTargets, unreachableReason } from './runner-support.js';

export type SeedArgs = GlobalArgs;

/**
 * `seed [-a | -d]`: each database's seed (its `prisma.config.ts` `migrations.seed` when present,
 * else `seed.ts` through tsx, else `seed.js`) with that database's URL in its environment, one
 * database after another. Every line the seed prints is prefixed by the database name. A folder
 * without a seed is reported as skipped; a failing seed fails the command (exit 1), the other
 * databases are still seeded. When a seed fails, one connection tells whether its database was
 * reachable: if not, the failure names the database's problem instead of the seed.
 */
export const seedCommand: KustoCommand<SeedArgs> = {
  command: 'seed',
  describe: "Run each database's seed (prisma.config.ts migrations.seed, seed.ts or seed.js) with its URL, in order",
  builder: (yargs) => yargs,
  async run(args, context) {
    const { databases } = resolveTargets(args, 'all-by-default', context, 'seed');
    refuseUnupgradedSchemas(databases, 'seed');
    const targets = await prepareRunnerTargets(databases, context, 'main');
    const byName = new Map(targets.map((target) => [target.folder.name, target]));
    const { runSeed } = await loadRunner();
    const paint = palette(context.colors);
    const outcomes = await forEachDatabase(
      targets.map((target) => target.folder),
      async (folder): Promise<DatabaseWork> => {
        const target = byName.get(folder.name)!;
        const prefix = paint.dim(`${folder.name} |`);
        const result = await runSeed({
          folder,
          env: context.env,
          url: target.url,
          onOutput: (line, stream) => (stream === 'stdout' ? context.io.out(`${prefix} ${line}`) : context.io.err(`${prefix} ${line}`)),
        });
        if (result.outcome === 'skipped') return { result: 'skipped', detail: result.reason ?? 'no seed' };
        if (result.ok) return { result: 'ok', detail: result.command };
        // A seed that cannot reach its database fails like a broken one: ask the database itself.
        const unreachable = await unreachableReason(target);
        if (unreachable !== undefined) {
          return { result: 'failed', detail: `the seed failed because its database is unavailable: ${unreachable}` };
        }
        return { result: 'failed', detail: describeRunnerError(result.error ?? new Error('the seed failed'), target).join(' ') };
      },
      { action: 'seed' },
      context,
    );
    return { exitCode: summarize(outcomes, context) };
  },
};
