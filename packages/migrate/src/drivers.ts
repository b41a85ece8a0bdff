import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MigrationError } from './errors.js';

/** The driver packages the dialects load, each an optional peer dependency of `@kusto/migrate`. */
export const DRIVER_PACKAGES = {
  postgresql: 'pg',
  postgresqlCursor: 'pg-cursor',
  mysql: 'mariadb',
  sqlite: 'better-sqlite3',
} as const;

export type DriverPackage = (typeof DRIVER_PACKAGES)[keyof typeof DRIVER_PACKAGES];

/** The provider's driver package is not installed where `@kusto/migrate` can load it. */
export class DriverMissingError extends MigrationError {
  constructor(
    readonly packageName: DriverPackage,
    readonly provider: string,
    options?: { cause?: unknown; searchedFrom?: string | undefined },
  ) {
    super(
      'DRIVER_MISSING',
      `The ${provider} dialect of @kusto/migrate needs the "${packageName}" package, which is not installed` +
        `${options?.searchedFrom === undefined ? '' : ` in the project (looked from ${options.searchedFrom})`} nor beside @kusto/migrate. ` +
        `Install it in your project (npm install ${packageName}) and run again.`,
      options,
    );
  }
}

function isNotFound(error: unknown, packageName: string): boolean {
  const code = (error as { code?: unknown }).code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  return String((error as Error).message).includes(packageName);
}

/** The entry of `packageName` as a module in `dir` would find it (Node's node_modules walk upwards), or undefined. */
function resolveFrom(dir: string, packageName: string): string | undefined {
  try {
    return createRequire(path.join(path.resolve(dir), 'noop.js')).resolve(packageName);
  } catch (error) {
    if (isNotFound(error, packageName)) return undefined;
    throw error;
  }
}

/**
 * Loads a driver package (its default export when it has one), or throws {@link DriverMissingError}
 * naming it. Looks in the project first: from each of `searchDirs` in order (the database folder,
 * so the project's `node_modules` upwards from it, then any folder the caller adds, such as a
 * global `kusto-db`'s own install), then beside `@kusto/migrate` itself; a `kusto-db` installed
 * globally thus uses the `pg` of the project it works on. Loaded on first use only: an app
 * migrating SQLite never loads `pg`.
 */
export async function loadDriver<T>(packageName: DriverPackage, provider: string, searchDirs: readonly (string | undefined)[] = []): Promise<T> {
  const dirs = searchDirs.filter((dir): dir is string => dir !== undefined);
  let found: string | undefined;
  for (const dir of dirs) {
    found = resolveFrom(dir, packageName);
    if (found !== undefined) break;
  }
  let module: { default?: unknown };
  try {
    module = (await import(found === undefined ? packageName : pathToFileURL(found).href)) as { default?: unknown };
  } catch (error) {
    if (isNotFound(error, packageName)) throw new DriverMissingError(packageName, provider, { cause: error, searchedFrom: dirs[0] });
    throw error;
  }
  return (module.default ?? module) as T;
}
