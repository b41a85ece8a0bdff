// `prisma generate` for many databases in one process: Prisma's own generator (the
// `prisma-client-js` generator of `@prisma/client-generator-js`, driven by `@prisma/internals`'
// `getGenerators`, the two packages the Prisma CLI bundles) loaded once, then run per schema as
// the CLI's generate command does (prisma/prisma packages/cli/src/Generate.ts). Each database then
// costs its generation only, not a Prisma CLI start (~1 s of a ~1.3 s generate, measured). Used
// only when the project's `prisma` is the version these packages are, so the client is the one
// that CLI writes; a test compares the two byte for byte.
import type { DatabaseFolder } from '@kusto/db';
import type * as PrismaGeneratorJs from '@prisma/client-generator-js';
import type * as PrismaInternals from '@prisma/internals';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The version of Prisma's generator packages this kusto-db carries, or undefined when they are missing. */
export function inProcessGeneratorVersion(): string | undefined {
  try {
    // Its exports do not include package.json: from its entry (dist/index.js) up one folder.
    const manifest = path.join(path.dirname(require.resolve('@prisma/client-generator-js')), '..', 'package.json');
    return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** A folder's own `prisma.config.ts` that only points at its `schema.prisma` (what `init` writes), or none at all. */
function configIsPlain(folder: DatabaseFolder): boolean {
  if (!folder.prismaConfigPath) return true;
  const text = fs.readFileSync(folder.prismaConfigPath, 'utf8');
  return /\bschema\s*:\s*['"](\.\/)?schema\.prisma['"]/.test(text) && !/\b(typedSql|views|experimental)\b/.test(text);
}

/**
 * Whether `folder` can be generated in-process: the project's Prisma is this generator's version,
 * the schema's only generator is `prisma-client-js`, and the folder's config (if any) does no
 * more than name its schema. Otherwise the Prisma CLI runs, as always.
 */
export function canGenerateInProcess(folder: DatabaseFolder, schemaText: string, projectPrismaVersion: string | undefined): boolean {
  const version = inProcessGeneratorVersion();
  if (version === undefined || version !== projectPrismaVersion) return false;
  if (folder.schema.generatorProvider !== 'prisma-client-js') return false;
  if ((schemaText.match(/^\s*generator\s+\w+\s*\{/gm) ?? []).length !== 1) return false;
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
  // The engines commit Prisma passes as `version`, from the copy @prisma/internals itself depends on.
  const { enginesVersion } = createRequire(require.resolve('@prisma/internals'))('@prisma/engines-version') as { enginesVersion: string };
  let queue: Promise<unknown> = Promise.resolve();
  const generateOne = async (schemaPath: string) => {
    const schemaContext = await loadSchemaContext({ schemaPath: { cliProvidedPath: schemaPath }, printLoadMessage: false, cwd: path.dirname(schemaPath) });
    const generators = await getGenerators({
      schemaContext,
      registry: { 'prisma-client-js': { type: 'in-process', generator: new PrismaClientJsGenerator({ cliCommand: 'prisma' }) } },
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
