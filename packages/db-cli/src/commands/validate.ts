import os from 'node:os';
import type { KustoCommand } from '../command.js';
import { checkDatabase, checkSkipped, type CheckFinding } from '../checks/schema-checks.js';
import type { GlobalArgs } from '../global-options.js';
import type { DatabaseFolder } from '@kusto/db';
import { missingVariableHint, type EnvFileSource } from '../env/env-file.js';
import { palette } from '../output/colors.js';
import { legacySchemaWarning, legacyUrlEnvOf, prepareSchema } from '../prisma/legacy-schema.js';
import { resolvePrismaBin } from '../prisma/resolve-prisma.js';
import { runPrisma } from '../prisma/run-prisma.js';
import { urlEnvVarOf } from '../targets/database-url.js';
import { forEachDatabase, summarize, type DatabaseOutcome } from '../targets/for-each-database.js';
import { resolveTargets } from '../targets/resolve-targets.js';

export interface ValidateArgs extends GlobalArgs {
  readonly env: boolean;
  readonly verbose: boolean;
}

/**
 * The broken rules that fail validation. A Prisma 6 style `url = env("X")` is a warning, not a
 * failure: Prisma validates a copy without it (see `prepareSchema`).
 */
function failures(findings: readonly CheckFinding[], checkEnv: boolean, legacyUrl: boolean): CheckFinding[] {
  return findings.filter((finding) => !finding.ok && (checkEnv || finding.rule !== 'env-var') && !(legacyUrl && finding.rule === 'no-url-in-schema'));
}

/** A finding's line; an unset URL variable also says which env file was read (as other commands do) and how to skip the rule. */
function describeFinding(finding: CheckFinding, folder: DatabaseFolder, envFile: EnvFileSource | undefined): string {
  if (finding.ok || finding.rule !== 'env-var') return finding.message;
  const hint = missingVariableHint(envFile, [urlEnvVarOf(folder)]);
  return `${finding.message}. ${hint ? `${hint} ` : ''}Pass --no-env to validate without it.`;
}

export const validateCommand: KustoCommand<ValidateArgs> = {
  command: 'validate',
  describe:
    'Run prisma validate and the kusto-db rules (generator prisma-client or prisma-client-js with an output, provider, no url in the schema, folder name, URL variable)',
  builder: (yargs) =>
    yargs
      .option('env', { type: 'boolean', default: true, describe: 'Require the URL variable to be set (--no-env skips that rule)' })
      .option('verbose', { type: 'boolean', default: false, describe: 'Show every rule, not only the broken ones' }),
  async run(args, context) {
    const paint = palette(context.colors);
    const { projectDir, discovery, databases } = resolveTargets(args, 'all-by-default', context, 'validate');
    resolvePrismaBin(projectDir); // a Prisma of another major version is refused before any rule runs
    const legacy = legacySchemaWarning(databases);
    if (legacy) context.io.err(`${paint.warn('!')} ${legacy}`);
    const outcomes: DatabaseOutcome[] = await forEachDatabase(
      databases,
      async (folder) => {
        const findings = checkDatabase(folder, context.env);
        const legacyUrl = legacyUrlEnvOf(folder) !== undefined;
        const broken = failures(findings, args.env, legacyUrl);
        const shown = args.verbose ? findings : findings.filter((f) => broken.includes(f) || (legacyUrl && f.rule === 'no-url-in-schema'));
        const lines = shown.map((f) => `${f.ok ? paint.ok('✔') : broken.includes(f) ? paint.fail('✖') : paint.warn('!')} ${describeFinding(f, folder, context.envFile)}`);
        if (folder.schema.hasUrl && !legacyUrl) {
          return { result: 'failed', detail: 'schema not Prisma 7 ready (prisma validate not run)', output: lines.join('\n') };
        }
        const prepared = await prepareSchema(folder);
        const prisma = await runPrisma(
          { folder: prepared.folder, envVar: urlEnvVarOf(folder), args: ['validate'], projectDir, stdio: 'capture', usesSchemaEngine: false },
          context,
        ).finally(() => prepared.dispose());
        if (prisma.exitCode !== 0) lines.push(prisma.output.trimEnd());
        const ok = prisma.exitCode === 0 && broken.length === 0;
        return {
          result: prisma.interrupted ? 'cancelled' : ok ? 'ok' : 'failed',
          ...(ok ? {} : { detail: prisma.exitCode === 0 ? `${broken.length} rule(s) broken` : `prisma validate exited with ${prisma.exitCode}` }),
          output: lines.join('\n'),
        };
      },
      { concurrency: os.availableParallelism(), action: 'validate', verbose: args.verbose },
      context,
    );
    const allTargets = args.database === undefined;
    for (const skipped of allTargets ? discovery.skipped : []) {
      const finding = checkSkipped(skipped);
      if (!finding) continue;
      context.io.out(`${paint.fail('✖')} ${paint.bold(skipped.name)} folder name: ${finding.message}`);
      outcomes.push({ database: skipped.name, result: 'failed', detail: finding.message, ms: 0 });
    }
    return { exitCode: summarize(outcomes, context) };
  },
};
