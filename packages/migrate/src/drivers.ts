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
    options?: { cause?: unknown },
  ) {
    super(
      'DRIVER_MISSING',
      `The ${provider} dialect of @kusto/migrate needs the "${packageName}" package, which is not installed. ` +
        `Install it next to @kusto/migrate (npm install ${packageName}) and run again.`,
      options,
    );
  }
}

function isNotFound(error: unknown, packageName: string): boolean {
  const code = (error as { code?: unknown }).code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  return String((error as Error).message).includes(packageName);
}

/**
 * Loads a driver package (its default export when it has one), or throws {@link DriverMissingError}
 * naming it. Loaded on first use only: an app migrating SQLite never loads `pg`.
 */
export async function loadDriver<T>(packageName: DriverPackage, provider: string): Promise<T> {
  let module: { default?: unknown };
  try {
    module = (await import(packageName)) as { default?: unknown };
  } catch (error) {
    if (isNotFound(error, packageName)) throw new DriverMissingError(packageName, provider, { cause: error });
    throw error;
  }
  return (module.default ?? module) as T;
}
