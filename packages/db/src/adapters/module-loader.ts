import { createRequire } from 'node:module';
import path from 'node:path';
import { AdapterNotInstalledError } from '../errors.js';

/**
 * Loads optional packages synchronously (every Prisma adapter ships a CommonJS build), from the
 * application first and from `@kusto/db`'s own location second, so `getClientSync` can build a
 * client without awaiting anything.
 */
export class ModuleLoader {
  private readonly resolvers: NodeJS.Require[];

  constructor(cwd: string) {
    this.resolvers = [createRequire(path.join(cwd, 'package.json')), createRequire(import.meta.url)];
  }

  /** Absolute path of `specifier`'s entry, or undefined when it is installed nowhere we look. */
  resolve(specifier: string): string | undefined {
    for (const resolver of this.resolvers) {
      try {
        return resolver.resolve(specifier);
      } catch {
        // Not installed there.
      }
    }
    return undefined;
  }

  /** Loads an adapter package, or throws {@link AdapterNotInstalledError} naming it. */
  loadAdapter<T>(packageName: string, database: string, provider: string): { module: T; entry: string } {
    const entry = this.resolve(packageName);
    if (!entry) throw new AdapterNotInstalledError(database, provider, packageName);
    return { module: createRequire(entry)(entry) as T, entry };
  }

  /** Loads `dependency` as `fromEntry`'s package sees it (the same module instance it uses). */
  loadDependencyOf<T>(fromEntry: string, dependency: string): T {
    return createRequire(fromEntry)(dependency) as T;
  }
}
