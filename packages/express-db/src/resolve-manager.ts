import { kusto, type KustoDb } from '@kusto/db';

/** The given manager, or the default `kusto.db` (created on first use, not at import). */
export function managerFrom(manager: KustoDb | undefined): () => KustoDb {
  return manager ? () => manager : () => kusto.db;
}
