import type { HealthQuery } from '../../connection/health-check.js';
import type { DatabaseProvider } from '../provider.js';
import { buildMysqlAdapter } from './adapter.js';
import { classifyMysqlError } from './errors.js';
import { mysqlConnectionSettings } from './url.js';

/**
 * A primary's check: `read_only` (global) is `ON` on a replica and on an old writer a failover
 * demoted (`SET GLOBAL read_only = ON`, what RDS/Aurora MySQL and MariaDB failovers do; MySQL's
 * `super_read_only` turns it on too). Writes then fail with 1290 (or 1836), which classify as
 * `readOnly`; the check fails with `ReadOnlyServerError` so readiness says so before a write does.
 */
const PRIMARY_HEALTH_CHECK: HealthQuery = {
  sql: 'SELECT @@global.read_only AS read_only',
  readOnly: (rows) => Number(rows[0]?.read_only) === 1,
  readOnlyDetail: 'read_only = ON',
};

/** MySQL and MariaDB through `@prisma/adapter-mariadb` over a `mariadb` pool we own. */
export const mysqlProvider: DatabaseProvider = {
  id: 'mysql',
  prismaProviders: ['mysql'],
  adapterPackage: '@prisma/adapter-mariadb',
  driverPackages: ['mariadb'],
  urlSchemes: ['mysql:', 'mariadb:'],
  exampleUrl: 'mysql://user:password@host:3306/name',
  build: buildMysqlAdapter,
  classify: classifyMysqlError,
  checkUrl: (database, source, url) => {
    mysqlConnectionSettings(database, source, url);
  },
  healthCheckSql: 'SELECT 1',
  primaryHealthCheck: PRIMARY_HEALTH_CHECK,
};
