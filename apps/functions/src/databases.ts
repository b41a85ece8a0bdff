// Importing the registry first makes kusto.db find every database, client, adapter and driver through
// static imports: what lets a bundle or a traced function run from an empty folder.
import './kusto-registry.js';
import { kusto, type DatabaseName } from '@kusto/db';

/** The databases this app serves, one per provider. */
export const DATABASES = ['main', 'shop', 'cache'] as const satisfies readonly DatabaseName[];

/** What the routes use of each database's `Item` model: every generated client's delegate fits it. */
export interface ItemDelegate {
  count(): Promise<number>;
  create(args: { data: { name: string } }): Promise<{ id: number; name: string }>;
}

/** The `Item` model of `name`, through a checked client (rejects with `DatabaseUnavailableError` when down). */
export async function itemsOf(name: (typeof DATABASES)[number]): Promise<ItemDelegate> {
  const manager = kusto.db;
  switch (name) {
    case 'main':
      return (await manager.getClient('main')).item;
    case 'shop':
      return (await manager.getClient('shop')).item;
    case 'cache':
      return (await manager.getClient('cache')).item;
  }
}
