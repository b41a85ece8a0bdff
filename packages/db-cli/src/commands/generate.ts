import { clientModule, DEFAULT_REGISTRY_FILE, DEFAULT_TYPES_FILE, registryPackages, writeDatabaseRegistry, writeDatabaseTypes, type DatabaseFolder } from '@kusto/db';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KustoCommand } from '../command.js';
import { assertLoadableClient, assertUsableSchema } from '../checks/schema-checks.js';
import { legacySchemaWarning, prepareSchema } from '../prisma/legacy-schema.js';
import type { GlobalArgs } from '../global-options.js';
import {
  canGenerateInProcess,
  inProcessGeneratorVersion,
  inProcessUnavailableReason,
  loadInProcessGenerator,
  type InProcessGenerate,
} from '../prisma/generate-in-process.js';
import { currentStamp, isUpToDate, writeStamp } from '../prisma/generate-stamp.js';
import { resolvePrismaBin } from '../prisma/resolve-prisma.js';
import { runPrisma } from '../prisma/run-prisma.js';
import { urlEnvVarOf } from '../targets/database-url.js';
import { forEachDatabase, summarize } from '../targets/for-each-database.js';
import { resolveTargets } from '../targets/resolve-targets.js';

export interface GenerateArgs extends GlobalArgs {
  readonly concurrency: number;
  /** `false` from `--no-registry`. */
  readonly registry: string | false | undefined;
  readonly force: boolean;
  readonly 'in-process': boolean;
  readonly types: string;
  readonly verbose: boolean;
}

/** The failure to report when Prisma said it generated but the entry the runtime loads is not there. */
function notLanded(folder: DatabaseFolder): { result: 'failed'; detail: string } | undefined {
  const module = clientModule(folder);
  if (module.generated) return undefined;
  return { result: 'failed', detail: `Prisma reported success but ${path.relative(folder.dir, module.file)} was not written, so the app could not load this client` };
}

function loadOrNull(): InProcessGenerate | null {
  try {
    return loadInProcessGenerator();
  } catch {
    return null;
  }
}

/** The registry's default path: TypeScript beside a tsconfig.json, else JavaScript (ESM or CommonJS by the project's "type"). */
function defaultRegistryFile(projectDir: string): string {
  return fs.existsSync(path.join(projectDir, 'tsconfig.json')) ? DEFAULT_REGISTRY_FILE : DEFAULT_REGISTRY_FILE.replace(/\.ts$/, '.js');
}

function importableFrom(file: string, specifier: string): boolean {
  try {
    createRequire(file).resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

export const generateCommand: KustoCommand<GenerateArgs> = {
  command: 'generate',
  describe: 'Run prisma generate for each database in parallel, then write the typed database map',
  builder: (yargs) =>
    yargs
      .option('concurrency', {
        type: 'number',
        default: os.availableParallelism(),
        defaultDescription: 'number of CPUs',
        describe: 'How many databases generate at once',
      })
      .option('types', {
        type: 'string',
        default: DEFAULT_TYPES_FILE,
        describe: 'Where the typed database map declaration is written, relative to --cwd',
      })
      .option('registry', {
        type: 'string',
        defaultDescription: `${DEFAULT_REGISTRY_FILE} with a tsconfig.json, else src/kusto-registry.js`,
        describe:
          'Where the database registry module is written, relative to --cwd: static imports of every client, adapter and driver, for bundled functions (--no-registry: none)',
      })
      .option('verbose', { type: 'boolean', default: false, describe: "Show Prisma's output for databases that succeeded too" })
      .option('in-process', {
        type: 'boolean',
        default: true,
        describe:
          "Generate in this process with Prisma's own generator when the project's prisma is the version kusto-db carries (--no-in-process: one Prisma CLI run per database)",
      })
      .option('force', {
        alias: 'f',
        type: 'boolean',
        default: false,
        describe: 'Regenerate every client, even one whose schema, Prisma and @prisma/client versions match what produced it',
      }),
  async run(args, context) {
    const { projectDir, discovery, databases } = resolveTargets(args, 'all-by-default', context, 'generate');
    const prismaVersion = resolvePrismaBin(projectDir).version;
    const whyNotInProcess = args['in-process'] ? inProcessUnavailableReason(prismaVersion) : undefined;
    if (whyNotInProcess) context.io.out(`Generating with the Prisma CLI ${prismaVersion ?? ''}, one run per database: ${whyNotInProcess}.`);
    // Prisma's generator, loaded on first use; null when it cannot load here (then the Prisma CLI runs).
    let inProcess: InProcessGenerate | null | undefined;
    const legacy = legacySchemaWarning(databases);
    if (legacy) context.io.err(`! ${legacy}`);
    const outcomes = await forEachDatabase(
      databases,
      async (folder) => {
        assertUsableSchema(folder);
        assertLoadableClient(folder);
        const prepared = await prepareSchema(folder);
        let result;
        try {
          const stamp = await currentStamp(folder, prepared.folder.schemaPath, prismaVersion);
          if (!args.force && isUpToDate(folder, stamp)) {
            return { result: 'skipped', detail: `client up to date (same schema, prisma ${stamp.prisma ?? '?'}; --force regenerates)` };
          }
          const eligible = args['in-process'] && canGenerateInProcess(prepared.folder, prismaVersion);
          if (eligible) inProcess ??= loadOrNull();
          if (eligible && inProcess) {
            const generated = await inProcess(prepared.folder.schemaPath).then(
              () => true,
              // Anything Prisma's generator refuses goes to the Prisma CLI, which reports it in its own words.
              () => false,
            );
            if (generated) {
              await prepared.finish();
              const missing = notLanded(folder);
              if (missing) return missing;
              await writeStamp(folder, stamp);
              return { result: 'ok', detail: `Prisma's generator ${inProcessGeneratorVersion() ?? ''}, in-process` };
            }
          }
          result = await runPrisma(
            { folder: prepared.folder, envVar: urlEnvVarOf(folder), args: ['generate'], projectDir, stdio: 'capture', usesSchemaEngine: false },
            context,
          );
          if (result.exitCode === 0) {
            await prepared.finish();
            const missing = notLanded(folder);
            if (missing) return { ...missing, output: result.output };
            await writeStamp(folder, stamp);
          }
        } finally {
          await prepared.dispose();
        }
        return {
          result: result.interrupted ? 'cancelled' : result.exitCode === 0 ? 'ok' : 'failed',
          ...(result.exitCode === 0 ? {} : { detail: `prisma generate exited with ${result.exitCode}` }),
          output: result.output,
        };
      },
      { concurrency: Math.max(1, Math.floor(args.concurrency)), action: 'generate', verbose: args.verbose },
      context,
    );
    const exitCode = summarize(outcomes, context);
    if (exitCode !== 0) {
      context.io.err('The typed database map was not written because a database failed.');
      return { exitCode };
    }
    const generated = [...discovery.databases.values()].filter((folder) => clientModule(folder).generated);
    const missing = [...discovery.databases.keys()].filter((name) => !generated.some((folder) => folder.name === name));
    const file = await writeDatabaseTypes(generated, path.resolve(projectDir, args.types));
    const names = generated.map((folder) => folder.name).join(', ') || 'no databases';
    context.io.out(`Wrote ${path.relative(projectDir, file)} (${names}).`);
    if (missing.length > 0) context.io.out(`Left out (no generated client yet): ${missing.join(', ')}. Run kusto-db generate -a.`);
    if (args.registry !== false) {
      const registryFile = path.resolve(projectDir, args.registry ?? defaultRegistryFile(projectDir));
      const unreachable = registryPackages(generated).filter((name) => !importableFrom(registryFile, name));
      if (unreachable.length > 0) {
        context.io.err(
          `The database registry was not written: it imports ${unreachable.join(', ')}, which ${path.relative(projectDir, registryFile)} cannot import. ` +
            `Add ${unreachable.length === 1 ? 'it' : 'them'} to your dependencies (e.g. pnpm add ${unreachable.join(' ')}), or pass --no-registry.`,
        );
        return { exitCode: 1 };
      }
      await writeDatabaseRegistry(generated, { outFile: registryFile, projectDir, root: discovery.root });
      context.io.out(`Wrote ${path.relative(projectDir, registryFile)} (${names}): import it to run without the database folders (bundled functions).`);
    }
    return { exitCode };
  },
};
