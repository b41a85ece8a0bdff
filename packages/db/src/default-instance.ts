import { KustoDb } from './manager.js';

let defaultManager: KustoDb | undefined;

/**
 * The default manager (`src/app/db` under the current directory, profile detected from the
 * environment), created on first access of `kusto.db`.
 */
export const kusto = {
  get db(): KustoDb {
    return (defaultManager ??= new KustoDb());
  },
};
