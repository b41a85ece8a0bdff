import type { DatabaseProvider } from '../provider.js';
import { buildSqliteAdapter } from './adapter.js';
import { classifySqliteError } from './errors.js';

/** SQLite through `@prisma/adapter-better-sqlite3` (better-sqlite3 12: synchronous, one connection per client). */
export const sqliteProvider: DatabaseProvider = {
  id: 'sqlite',
  prismaProviders: ['sqlite'],
  adapterPackage: '@prisma/adapter-better-sqlite3',
  driverPackages: ['better-sqlite3'],
  urlSchemes: ['file:'],
  exampleUrl: 'file:./dev.db',
  build: buildSqliteAdapter,
  classify: classifySqliteError,
  // Reads the schema page: the file opens, is a database, and no other connection holds it
  // locked. A bare `SELECT 1` reads no page: it passes while another connection holds an
  // exclusive lock (seen with better-sqlite3 12), when every real query gets SQLITE_BUSY.
  healthCheckSql: 'SELECT count(*) FROM sqlite_master',
};
