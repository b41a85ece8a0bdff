import { createRequire } from 'node:module';
import path from 'node:path';
import { AdapterNotInstalledError } from '../errors.js';
import { moduleExports, type ModuleProbe } from '../registry/registry.js';

/**
 * Loads optional packages synchronously (every Prisma adapter ships a CommonJS build), from the
 * application first and from `@kusto/db`'s own location second, so `getClientSync` can build a
 * client without awaiting anything.
 */
export class ModuleLoader {
  private readonly resolvers: NodeJS.Require[];

  /**
   * @param cwd where the application's packages are resolved from.
   * @param preloaded packages already imported by name (a generated registry's static imports):
   *   used before anything is resolved, so a bundle that carries them needs no `node_modules`.
   */
  constructor(
    cwd: string,
    private readonly preloaded: Readonly<Record<string, unknown>> = {},
  ) {
    // In a CommonJS bundle `import.meta.url` is empty: there the application's resolver is the only one.
    const own = typeof import.meta.url === 'string' ? [createRequire(import.meta.url)] : [];
    this.resolvers = [createRequire(path.join(cwd, 'package.json')), ...own];
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

  /**
   * Loads an adapter package, or throws {@link AdapterNotInstalledError} naming it. `probe` is an
   * export it must have (how a preloaded CommonJS module's `default` is told from its namespace).
   */
  loadAdapter<T>(packageName: string, database: string, provider: string, probe: ModuleProbe): { module: T; entry: string } {
    const preloaded = moduleExports<T>(this.preloaded[packageName], probe);
    if (preloaded) return { module: preloaded, entry: packageName };
    const entry = this.resolve(packageName);
    if (!entry) throw new AdapterNotInstalledError(database, provider, packageName);
    return { module: createRequire(entry)(entry) as T, entry };
  }

  /**
   * Loads `dependency` as `fromEntry`'s package sees it (the same module instance it uses), or
   * the preloaded one, which a bundle resolves once for both.
   */
  loadDependencyOf<T>(fromEntry: string, dependency: string, probe: ModuleProbe): T {
    const preloaded = moduleExports<T>(this.preloaded[dependency], probe);
    if (preloaded) return preloaded;
    // A preloaded adapter has no path to resolve from: its driver is then looked for like any package.
    const from = path.isAbsolute(fromEntry) ? fromEntry : this.resolve(dependency);
    if (from === undefined) {
      throw new Error(`${dependency} was imported neither by the database registry nor installed where ${fromEntry} can load it: run \`kusto-db generate -a\` to write the registry again.`);
    }
    return createRequire(from)(dependency) as T;
  }
}
