import { createRequire } from 'node:module';
import path from 'node:path';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { clientModule, type ClientModule } from '../discovery/client-module.js';
import type { DatabaseFolder } from '../discovery/discover.js';
import { ClientNotGeneratedError, ClientNotLoadableError } from '../errors.js';

/** The part of a generated `PrismaClient` the manager itself uses. */
export interface PrismaClientLike {
  $connect(): Promise<void>;
  $disconnect(): Promise<void>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

export type PrismaClientConstructor = new (options: { adapter: SqlDriverAdapterFactory }) => PrismaClientLike;

/** What of the running Node decides whether TypeScript source loads: injectable for tests. */
export interface NodeTypeScriptSupport {
  /** `process.features.typescript`: `'strip'` or `'transform'` where Node runs `.ts` files (>= 22.18 by default). */
  readonly typescript: string | false | undefined;
}

const TYPESCRIPT_IMPORT_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

function runningNode(): NodeTypeScriptSupport {
  return { typescript: (process.features as { typescript?: string | false }).typescript };
}

/**
 * Why `module` (TypeScript source) would not load in plain Node from its folder; undefined when
 * Node itself can load it. Only consulted after loading failed: a loader such as tsx (which
 * `kusto-db seed` uses) loads TypeScript on any Node.
 */
export function typeScriptClientProblem(module: ClientModule, node: NodeTypeScriptSupport = runningNode()): string | undefined {
  if (module.language !== 'typescript') return undefined;
  if (!node.typescript) return `it is TypeScript source (${path.basename(module.file)}) and this Node (${process.version}) does not strip types`;
  if (module.file.split(path.sep).includes('node_modules')) return 'it is TypeScript source inside node_modules, where Node does not strip types';
  if (!TYPESCRIPT_IMPORT_EXTENSIONS.has(module.importExtension)) {
    return `it is TypeScript source whose imports end in "${module.importExtension}" (importFileExtension), which only a compiler or bundler resolves`;
  }
  return undefined;
}

/**
 * Loads the `PrismaClient` class generated for a database from its folder: `prisma-client-js`
 * output (CommonJS) or `prisma-client` output, compiled to JavaScript (ESM or CommonJS: ESM loads
 * through `require`, which Node >= 20.19 allows for modules without top-level await), or as
 * TypeScript source where Node strips types (or a loader such as tsx runs). Synchronous, for ESM
 * and CommonJS callers alike.
 */
export function loadPrismaClient(
  database: string,
  folder: Pick<DatabaseFolder, 'clientDir' | 'schema'>,
  node: NodeTypeScriptSupport = runningNode(),
): PrismaClientConstructor {
  const { clientDir } = folder;
  const module = clientModule(folder);
  if (!module.generated) throw new ClientNotGeneratedError(database, clientDir);
  let exported: { PrismaClient?: unknown };
  try {
    exported = createRequire(module.file)(module.file) as { PrismaClient?: unknown };
  } catch (cause) {
    if (module.generator === 'prisma-client') {
      const reason = typeScriptClientProblem(module, node) ?? `loading it failed: ${firstLine(cause)}`;
      throw new ClientNotLoadableError(database, module.file, reason, { cause });
    }
    throw new ClientNotGeneratedError(database, clientDir, { cause });
  }
  if (typeof exported.PrismaClient !== 'function') throw new ClientNotGeneratedError(database, clientDir);
  return exported.PrismaClient as PrismaClientConstructor;
}
