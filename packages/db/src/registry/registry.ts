import path from 'node:path';
import type { PrismaClientConstructor } from '../connection/prisma-client.js';
import type { DatabaseFolder, Discovery } from '../discovery/discover.js';
import type { SchemaInfo } from '../discovery/schema-file.js';
import { assertDatabaseName } from '../naming/database-name.js';

/** One database as `kusto-db generate` saw its folder, with its generated client imported statically. */
export interface RegisteredDatabase {
  /** The generated `PrismaClient` class, imported by the registry module. */
  readonly PrismaClient: unknown;
  /** The folder, relative to the project (`src/app/db/user`): base of relative SQLite `file:` paths. */
  readonly dir: string;
  /** What the runtime reads from `schema.prisma`: the provider, a legacy `url = env("X")`, the generator. */
  readonly schema: SchemaInfo;
  /** The variable the folder's `prisma.config.ts` reads its URL from, if any. */
  readonly configUrlEnv?: string | undefined;
}

/**
 * The databases of a project, known without reading the filesystem: what `kusto-db generate` writes
 * to `src/kusto-registry.ts` (or `.js`). Bundlers (esbuild, webpack, Rollup) and tracers
 * (`@vercel/nft`) follow its static imports to every generated client, adapter and driver, so a
 * bundled function starts from an empty folder.
 */
export interface DatabaseRegistry {
  /** The database root the registry was generated from, relative to the project. */
  readonly root: string;
  readonly databases: Readonly<Record<string, RegisteredDatabase>>;
  /** Adapter and driver packages by name (`@prisma/adapter-pg`, `pg`…), as the registry imported them. */
  readonly modules: Readonly<Record<string, unknown>>;
}

/** Checks the names of a registry; the registry module calls it, so a hand-edited one fails at import. */
export function defineRegistry(registry: DatabaseRegistry): DatabaseRegistry {
  for (const name of Object.keys(registry.databases)) assertDatabaseName(name);
  return Object.freeze(registry);
}

/**
 * What a module must look like: an export it has (`'Pool'`), or a test of the whole module (a
 * package whose `module.exports` is a class, such as better-sqlite3's `Database`).
 */
export type ModuleProbe = string | ((value: unknown) => boolean);

/** The module's exports whether a bundler or Node gave its namespace or its CommonJS `module.exports` as `default`. */
export function moduleExports<T>(namespace: unknown, probe: ModuleProbe): T | undefined {
  const fits = (value: unknown): boolean =>
    typeof probe === 'function' ? probe(value) : value !== null && (typeof value === 'object' || typeof value === 'function') && probe in value;
  if (fits(namespace)) return namespace as T;
  const fallback = namespace !== null && typeof namespace === 'object' ? (namespace as { default?: unknown }).default : undefined;
  return fits(fallback) ? (fallback as T) : undefined;
}

/** The folders a registry describes, as discovery would have found them under `cwd`. */
export function discoveryFromRegistry(registry: DatabaseRegistry, cwd: string): Discovery {
  const databases = new Map<string, DatabaseFolder>();
  for (const name of Object.keys(registry.databases).sort()) {
    const entry = registry.databases[name]!;
    const dir = path.resolve(cwd, entry.dir);
    databases.set(name, {
      name,
      dir,
      schemaPath: path.join(dir, 'schema.prisma'),
      schema: entry.schema,
      clientDir: path.resolve(dir, entry.schema.generatorOutput ?? 'client'),
      migrationsDir: path.join(dir, 'migrations'),
      seedPath: undefined,
      prismaConfigPath: undefined,
      configUrlEnv: entry.configUrlEnv,
    });
  }
  return { root: path.resolve(cwd, registry.root), databases, skipped: [] };
}

/** The generated client class a registry holds for `name`, or undefined when it is not a class. */
export function registeredClient(registry: DatabaseRegistry, name: string): PrismaClientConstructor | undefined {
  const PrismaClient = registry.databases[name]?.PrismaClient;
  return typeof PrismaClient === 'function' ? (PrismaClient as PrismaClientConstructor) : undefined;
}
