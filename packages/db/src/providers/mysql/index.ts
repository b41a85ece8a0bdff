import type { DatabaseProvider } from '../provider.js';
import { buildMysqlAdapter } from './adapter.js';
import { classifyMysqlError } from './errors.js';
import { mysqlConnectionSettings } from './url.js';

/** MySQL and MariaDB through `@prisma/adapter-mariadb` over a `mariadb` pool we own. */
export const mysqlProvider: DatabaseProvider = {
  id: 'mysql',
  prismaProviders: ['mysql'],
  adapterPackage: '@prisma/adapter-mariadb',
  urlSchemes: ['mysql:', 'mariadb:'],
  exampleUrl: 'mysql://user:password@host:3306/name',
  build: buildMysqlAdapter,
  classify: classifyMysqlError,
  checkUrl: (database, source, url) => {
    mysqlConnectionSettings(database, source, url);
  },
  healthCheckSql: 'SELECT 1',
};
