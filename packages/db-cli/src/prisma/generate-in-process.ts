// `prisma generate` for many databases in one process: Prisma's own generator (the
// `prisma-client-js` generator of `@prisma/client-generator-js`, driven by `@prisma/internals`'
// `getGenerators`, the two packages the Prisma CLI bundles) loaded once, then run per schema as
// the CLI's generate command does (prisma/prisma packages/cli/src/Generate.ts). Each database then
// costs its generation only, not a Prisma CLI start (~1 s of a ~1.3 s generate, measured). Used
// only when the project's `prisma` is the version these packages are, so the client is the one
// that CLI writes; a test compares the two byte for byte. Another 7.x patch (prisma 7.10.1 while
// the generator packages exist only as 7.10.0 on npm) differs in the version strings the client
// carries (`clientVersion`, `engineVersion`: seen by diffing the two), so it takes the Prisma CLI.
import type { DatabaseFolder } from '@kusto/db';
import type * as PrismaGeneratorJs from '@prisma/client-generator-js';
import type * as PrismaGeneratorTs from '@prisma/client-generator-ts';
import type * as PrismaInternals from '@prisma/internals';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

const GENERATOR_PACKAGES = ['@prisma/client-generator-js', '@prisma/client-generator-ts'] as const;

function packageVersion(name: string): string | undefined {
  try {
    // Their exports do not include package.json: from the entry (dist/index.js) up one folder.
    const manifest = path.join(path.dirname(require.resolve(name)), '..', 'package.json');
    return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** The version of Prisma's generator packages this kusto-db carries (both, the same), or undefined when one is missing. */
export function inProcessGeneratorVersion(): string | undefined {
  const versions = new Set(GENERATOR_PACKAGES.map(packageVersion));
  const [version] = versions;
  return versions.size === 1 ? version : undefined;
}

/**
 * Why the whole run takes the Prisma CLI rather than the in-process generator, as one line; undefined
 * when the project's Prisma is the generator's version.
 */
export function inProcessUnavailableReason(projectPrismaVersion: string | undefined): string | undefined {
  const version = inProcessGeneratorVersion();
  if (version === undefined) return "kusto-db's copy of Prisma's generator packages is missing or mixed";
  if (version === projectPrismaVersion) return undefined;
  return `the project has prisma ${projectPrismaVersion ?? '(unknown version)'} and kusto-db carries Prisma's generator ${version}, whose client would name ${version}`;
}

/** A folder's own `prisma.config.ts` that only points at its `schema.prisma` (what `init` writes), or none at all. */
function configIsPlain(folder: DatabaseFolder): boolean {
  if (!folder.prismaConfigPath) return true;
  const text = fs.readFileSync(folder.prismaConfigPath, 'utf8');
  return /\bschema\s*:\s*['"](\.\/)?schema\.prisma['"]/.test(text) && !/\b(typedSql|views|experimental)\b/.test(text);
}

const IN_PROCESS_GENERATORS = new Set(['prisma-client-js', 'prisma-client']);

/**
 * Whether `folder` can be generated in-process: the project's Prisma is this generator's version,
 * the schema's only generator is `prisma-client-js` or `prisma-client`, and the folder's config
 * (if any) does no more than name its schema. Otherwise the Prisma CLI runs, as always.
 */
export function canGenerateInProcess(folder: DatabaseFolder, projectPrismaVersion: string | undefined): boolean {
  if (inProcessUnavailableReason(projectPrismaVersion) !== undefined) return false;
  if (!IN_PROCESS_GENERATORS.has(folder.schema.generatorProvider ?? '')) return false;
  if (folder.schema.generatorCount !== 1) return false;
  return configIsPlain(folder);
}

/** Generates one schema's client with Prisma's generator; throws what Prisma throws. */
export type InProcessGenerate = (schemaPath: string) => Promise<void>;

/** Loads Prisma's generator once; the returned function runs one generation at a time. */
export function loadInProcessGenerator(): InProcessGenerate {
  // Their CommonJS builds: the ESM build of @prisma/client-generator-js imports names from
  // @prisma/internals' CommonJS that Node cannot see (`BuiltInProvider`: SyntaxError, seen).
  const { getGenerators, loadSchemaContext } = require('@prisma/internals') as typeof PrismaInternals;
  const { PrismaClientJsGenerator } = require('@prisma/client-generator-js') as typeof PrismaGeneratorJs;
  const { PrismaClientTsGenerator } = require('@prisma/client-generator-ts') as typeof PrismaGeneratorTs;
  // The engines commit Prisma passes as `version`, from the copy @prisma/internals itself depends on.
  const { enginesVersion } = createRequire(require.resolve('@prisma/internals'))('@prisma/engines-version') as { enginesVersion: string };
  let queue: Promise<unknown> = Promise.resolve();
  const generateOne = async (schemaPath: string) => {
    const schemaContext = await loadSchemaContext({ schemaPath: { cliProvidedPath: schemaPath }, printLoadMessage: false, cwd: path.dirname(schemaPath) });
    const generators = await getGenerators({
      schemaContext,
      registry: {
        'prisma-client-js': { type: 'in-process', generator: new PrismaClientJsGenerator({ cliCommand: 'prisma' }) },
        'prisma-client': { type: 'in-process', generator: new PrismaClientTsGenerator() },
      },
      version: enginesVersion,
      printDownloadProgress: false,
      skipDownload: true,
      cliCommand: 'prisma',
    });
    try {
      for (const generator of generators) await generator.generate();
    } finally {
      for (const generator of generators) generator.stop();
    }
  };
  return (schemaPath) => {
    const run = queue.then(() => generateOne(schemaPath));
    queue = run.catch(() => undefined);
    return run;
  };
}
