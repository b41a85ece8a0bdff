import type { DatabaseProvider } from '../provider.js';
import { buildSqliteAdapter } from './adapter.js';
import { classifySqliteError } from './errors.js';

/** SQLite through `@prisma/adapter-better-sqlite3` (better-sqlite3 12: synchronous, one connection per client). */
export const sqliteProvider: DatabaseProvider = {
  id: 'sqlite',
  prismaProviders: ['sqlite'],
  adapterPackage: '@prisma/adapter-better-sqlite3',
  urlSchemes: ['file:'],
  exampleUrl: 'file:./dev.db',
  build: buildSqliteAdapter,
  classify: classifySqliteError,
  // Reads the schema page: the file opens, is a database, and no other connection holds it locked.
  healthCheckSql: 'SELECT count(*) FROM sqlite_master',
};
