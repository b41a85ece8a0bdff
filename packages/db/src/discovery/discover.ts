import fs from 'node:fs';
import path from 'node:path';
import { RootNotFoundError } from '../errors.js';
import { assertDatabaseName, envVarForDatabase } from '../naming/database-name.js';
import { parseSchema, type SchemaInfo } from './schema-file.js';

/** A database folder: `<root>/<name>/schema.prisma` and what sits beside it. */
export interface DatabaseFolder {
  readonly name: string;
  readonly dir: string;
  readonly schemaPath: string;
  readonly schema: SchemaInfo;
  /** Absolute path of the generated client (the generator's `output`, default `client`). */
  readonly clientDir: string;
  readonly migrationsDir: string;
  /** `seed.ts` (or `.js`/`.mts`/`.mjs`) when present. */
  readonly seedPath: string | undefined;
  /** `prisma.config.ts` when the folder has one. */
  readonly prismaConfigPath: string | undefined;
  /** The variable that config gives as the datasource `url` (`process.env.X`, `env('X')`), if any. */
  readonly configUrlEnv: string | undefined;
}

/** A folder under the root that is not a database, and why. */
export interface SkippedFolder {
  readonly name: string;
  readonly dir: string;
  readonly reason: string;
}

export interface Discovery {
  readonly root: string;
  readonly databases: ReadonlyMap<string, DatabaseFolder>;
  readonly skipped: readonly SkippedFolder[];
}

/** Where database folders live, relative to the working directory. */
export const DEFAULT_ROOT = 'src/app/db';

/** `src` looks in the source tree, `dist` in the built one, `auto` in `src` and then `dist`. */
export type RootLayout = 'src' | 'dist' | 'auto';

export interface RootOptions {
  /** Folder holding one subfolder per database. Default {@link DEFAULT_ROOT}. */
  readonly root?: string | undefined;
  /** Default `auto`: the source root when it exists, else its `dist/` twin. */
  readonly layout?: RootLayout | undefined;
  /** Base of a relative `root`. Default `process.cwd()`. */
  readonly cwd?: string | undefined;
}

const SEED_FILES = ['seed.ts', 'seed.mts', 'seed.js', 'seed.mjs'];

function distTwin(root: string): string | undefined {
  const parts = root.split(path.sep);
  const index = parts.lastIndexOf('src');
  if (index === -1) return undefined;
  parts[index] = 'dist';
  return parts.join(path.sep);
}

/** The absolute root folder for `options` (it may not exist). */
export function resolveRoot(options: RootOptions = {}): string {
  const base = path.resolve(options.cwd ?? process.cwd(), options.root ?? DEFAULT_ROOT);
  const layout = options.layout ?? 'auto';
  if (layout === 'src') return base;
  const twin = distTwin(base);
  if (layout === 'dist') return twin ?? base;
  return !fs.existsSync(base) && twin !== undefined && fs.existsSync(twin) ? twin : base;
}

function findFile(dir: string, names: readonly string[]): string | undefined {
  return names.map((name) => path.join(dir, name)).find((file) => fs.existsSync(file));
}

/** `url: env('X')`, `url: process.env.X` or `url: process.env['X']` in a prisma.config file. */
const CONFIG_URL_REFERENCE = /\burl\s*:\s*(?:env\(\s*|process\.env\.|process\.env\[\s*)["'`]?([A-Za-z_][A-Za-z0-9_]*)/;

/** The variable a `prisma.config.ts` reads its datasource URL from, found by reading its text. */
export function configUrlEnv(source: string): string | undefined {
  return CONFIG_URL_REFERENCE.exec(source)?.[1];
}

/**
 * The variable a folder's URL is read from when options name none: the schema's legacy
 * `url = env("X")`, else the variable its `prisma.config.ts` reads, else `RDS_<NAME>_URL`. URL
 * resolution and the guard against two folders sharing a variable both use this, so they agree.
 */
export function folderUrlVariable(folder: Pick<DatabaseFolder, 'name' | 'schema' | 'configUrlEnv'>): string {
  return folder.schema.urlEnv ?? folder.configUrlEnv ?? envVarForDatabase(folder.name);
}

function readFolder(root: string, name: string): DatabaseFolder | SkippedFolder {
  const dir = path.join(root, name);
  const schemaPath = path.join(dir, 'schema.prisma');
  if (!fs.existsSync(schemaPath)) return { name, dir, reason: 'no schema.prisma' };
  try {
    assertDatabaseName(name);
  } catch (error) {
    return { name, dir, reason: (error as Error).message };
  }
  const schema = parseSchema(fs.readFileSync(schemaPath, 'utf8'));
  const prismaConfigPath = findFile(dir, ['prisma.config.ts', 'prisma.config.mts', 'prisma.config.js']);
  return {
    name,
    dir,
    schemaPath,
    schema,
    clientDir: path.resolve(dir, schema.generatorOutput ?? 'client'),
    migrationsDir: path.join(dir, 'migrations'),
    seedPath: findFile(dir, SEED_FILES),
    prismaConfigPath,
    configUrlEnv: prismaConfigPath ? configUrlEnv(fs.readFileSync(prismaConfigPath, 'utf8')) : undefined,
  };
}

/**
 * Lists the databases under `root`: every direct subfolder holding a `schema.prisma` whose name
 * can be a database name. Other folders are reported in `skipped` with the reason.
 */
export function discoverDatabases(options: RootOptions = {}): Discovery {
  const root = resolveRoot(options);
  if (!fs.existsSync(root)) throw new RootNotFoundError(root);
  const databases = new Map<string, DatabaseFolder>();
  const skipped: SkippedFolder[] = [];
  const entries = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  for (const name of entries) {
    const folder = readFolder(root, name);
    if ('reason' in folder) skipped.push(folder);
    else databases.set(name, folder);
  }
  skipped.push(...withoutSharedUrlVariables(databases));
  skipped.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { root, databases, skipped };
}

/**
 * Removes from `databases` the folders whose URL would come from the same variable (`shopX` and
 * `shop_x` both read `RDS_SHOP_X_URL`, two `prisma.config.ts` or two schemas' `url = env("X")` naming
 * one variable) and returns
 * them as skipped: used as they are, two folders' migrations would be applied to one database.
 */
function withoutSharedUrlVariables(databases: Map<string, DatabaseFolder>): SkippedFolder[] {
  const byVariable = new Map<string, DatabaseFolder[]>();
  for (const folder of databases.values()) {
    const variable = folderUrlVariable(folder);
    byVariable.set(variable, [...(byVariable.get(variable) ?? []), folder]);
  }
  const skipped: SkippedFolder[] = [];
  for (const [variable, folders] of byVariable) {
    if (folders.length < 2) continue;
    for (const folder of folders) {
      databases.delete(folder.name);
      const others = folders.filter((other) => other !== folder).map((other) => `"${other.name}"`);
      skipped.push({
        name: folder.name,
        dir: folder.dir,
        reason:
          `its URL variable ${variable} is also the one of ${others.join(', ')}, so both would use one database: ` +
          'rename one of the folders, or give one a prisma.config.ts that reads a variable of its own ' +
          '(and no `url = env(...)` in its schema.prisma)',
      });
    }
  }
  return skipped;
}
