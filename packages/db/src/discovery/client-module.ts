import fs from 'node:fs';
import path from 'node:path';
import type { DatabaseFolder } from './discover.js';

/**
 * The two generators of Prisma 7 whose clients `@kusto/db` loads: `prisma-client-js` (CommonJS
 * JavaScript in `output`, entry `index.js`) and `prisma-client` (what `prisma init` writes:
 * TypeScript source in `output`, entry `client.ts`, shaped by `moduleFormat`,
 * `generatedFileExtension` and `importFileExtension`).
 */
export const CLIENT_GENERATORS = ['prisma-client-js', 'prisma-client'] as const;
export type ClientGenerator = (typeof CLIENT_GENERATORS)[number];

/** Where a generated client goes when the schema's generator has no `output`, relative to the database folder. */
export const DEFAULT_CLIENT_OUTPUT = 'client';

/** `prisma-client`'s default `generatedFileExtension` (Prisma's `@prisma/client-generator-ts`). */
export const DEFAULT_GENERATED_FILE_EXTENSION = 'ts';

/** The module a database's generated client is imported from, and how. */
export interface ClientModule {
  /** The schema's generator, or undefined when it names one `@kusto/db` does not load. */
  readonly generator: ClientGenerator | undefined;
  /**
   * Absolute path of the entry the runtime loads: `index.js` of `prisma-client-js`; for
   * `prisma-client` its compiled `client.js` (`.mjs`/`.cjs`) when one sits beside the source (the
   * `dist` layout), else the generated `client.ts` (`.mts`/`.cts`).
   */
  readonly file: string;
  /** Whether the generator (or the compiler) has written {@link file} yet. */
  readonly generated: boolean;
  /** Whether {@link file} is JavaScript or TypeScript source. */
  readonly language: 'javascript' | 'typescript';
  /**
   * The extension the client's own modules import each other with, which is what an importer
   * of the client uses too (`.js`, `.ts`, or `''` for bundler-style resolution). For
   * `prisma-client`: its `importFileExtension`, else what the generated entry uses, else the
   * JavaScript twin of `generatedFileExtension` (`.js` for `ts`), which `tsc` resolves in every mode.
   */
  readonly importExtension: string;
}

type FolderFacts = Pick<DatabaseFolder, 'clientDir' | 'schema'>;

const JS_TWIN: Readonly<Record<string, string>> = { ts: 'js', mts: 'mjs', cts: 'cjs' };

function generatorOf(folder: FolderFacts): ClientGenerator | undefined {
  const provider = folder.schema.generatorProvider;
  return CLIENT_GENERATORS.find((generator) => generator === provider);
}

function suffix(extension: string): string {
  return extension === '' ? '' : `.${extension}`;
}

/** The extension `client.<ext>` imports its siblings with (`./internal/class.js`), read from the generated file. */
function importExtensionOf(sourceFile: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(sourceFile, 'utf8');
  } catch {
    return undefined;
  }
  const match = /\bfrom\s+["']\.\/internal\/class(\.[cm]?[jt]s)?["']/.exec(text);
  return match ? (match[1] ?? '') : undefined;
}

/** Where the generated client of `folder` lives (its generator's `output`, default `client`) and how it is imported. */
export function clientModule(folder: FolderFacts): ClientModule {
  const generator = generatorOf(folder);
  if (generator !== 'prisma-client') {
    const file = path.join(folder.clientDir, 'index.js');
    return { generator, file, generated: fs.existsSync(file), language: 'javascript', importExtension: '.js' };
  }
  const generatedExtension = folder.schema.generatedFileExtension ?? DEFAULT_GENERATED_FILE_EXTENSION;
  const jsExtension = JS_TWIN[generatedExtension] ?? generatedExtension;
  const source = path.join(folder.clientDir, `client${suffix(generatedExtension)}`);
  const compiled = path.join(folder.clientDir, `client${suffix(jsExtension)}`);
  const declared = folder.schema.importFileExtension;
  const importExtension = declared !== undefined ? suffix(declared) : (importExtensionOf(source) ?? suffix(jsExtension));
  if (fs.existsSync(compiled)) return { generator, file: compiled, generated: true, language: 'javascript', importExtension };
  return { generator, file: source, generated: fs.existsSync(source), language: 'typescript', importExtension };
}

/**
 * Why no runtime could load the client `folder`'s schema generates, with the fix; undefined when
 * it can be loaded. `validate` reports it and `generate` fails on it. Any `output` path works
 * (the runtime follows it); a missing one does not: `prisma-client-js` would write into
 * `node_modules`, shared by every database, and `prisma-client` refuses to run.
 */
export function clientModuleProblem(folder: Pick<DatabaseFolder, 'schema'>): string | undefined {
  const { generatorProvider, generatorOutput } = folder.schema;
  const expected = CLIENT_GENERATORS.map((name) => `"${name}"`).join(' or ');
  if (generatorProvider === undefined) return `the schema has no generator; add one with provider = ${expected} and output = "${DEFAULT_CLIENT_OUTPUT}"`;
  if (!CLIENT_GENERATORS.some((name) => name === generatorProvider)) {
    return `generator provider "${generatorProvider}" makes no client @kusto/db can load; use provider = ${expected}`;
  }
  if (generatorOutput === undefined || generatorOutput.trim() === '') {
    return `the ${generatorProvider} generator has no output; add output = "${DEFAULT_CLIENT_OUTPUT}" (each database needs its own client folder)`;
  }
  return undefined;
}

/**
 * The specifier a module at `fromFile` imports the client of `folder` with (relative,
 * `/`-separated): `…/client/index.js` for `prisma-client-js`, `…/<output>/client` plus the
 * client's own import extension for `prisma-client`.
 */
export function clientImportSpecifier(fromFile: string, folder: FolderFacts): string {
  const module = clientModule(folder);
  const target = module.generator === 'prisma-client' ? path.join(folder.clientDir, `client${module.importExtension}`) : module.file;
  const relative = path.relative(path.dirname(fromFile), target).split(path.sep).join('/');
  return relative.startsWith('.') ? relative : `./${relative}`;
}
