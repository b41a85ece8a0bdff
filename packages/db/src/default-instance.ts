import { KustoDb } from './manager.js';
import type { DatabaseRegistry } from './registry/registry.js';

let defaultManager: KustoDb | undefined;
let defaultRegistry: DatabaseRegistry | undefined;

/**
 * The default manager (`src/app/db` under the current directory, profile detected from the
 * environment), created on first access of `kusto.db`. With a registered registry (see
 * {@link registerDatabases}) it finds its databases there and never reads the filesystem for them.
 */
export const kusto = {
  get db(): KustoDb {
    return (defaultManager ??= new KustoDb(defaultRegistry ? { registry: defaultRegistry } : {}));
  },
};

/**
 * Makes `registry` the one `kusto.db` uses. The module `kusto-db generate` writes calls it when
 * imported, so `import './kusto-registry.js'` before the first use of `kusto.db` is all a bundled
 * function needs. Throws when `kusto.db` was already created without it.
 */
export function registerDatabases(registry: DatabaseRegistry): void {
  if (defaultManager && defaultRegistry !== registry) {
    throw new Error(
      'kusto.db was created before this database registry was registered, so it does not use it. ' +
        "Import the registry (import './kusto-registry.js') before the first use of kusto.db, or pass it yourself: createKustoDb({ registry }).",
    );
  }
  defaultRegistry = registry;
}
