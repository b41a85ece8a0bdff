import type { HealthQuery } from '../../connection/health-check.js';
import type { DatabaseProvider } from '../provider.js';
import { buildPostgresAdapter } from './adapter.js';
import { classifyPostgresError } from './errors.js';

/**
 * A primary's check: `transaction_read_only` is `on` in a hot standby (`pg_is_in_recovery()`) and
 * under `default_transaction_read_only = on` (what an old writer looks like after an RDS/Aurora
 * failover), so one setting covers both. CockroachDB has the same setting.
 */
const PRIMARY_HEALTH_CHECK: HealthQuery = {
  sql: "SELECT current_setting('transaction_read_only') AS read_only",
  readOnly: (rows) => rows[0]?.read_only === 'on',
  readOnlyDetail: 'transaction_read_only = on',
};

/** Postgres and CockroachDB through `@prisma/adapter-pg` over a `pg.Pool` we own. */
export const postgresProvider: DatabaseProvider = {
  id: 'postgres',
  prismaProviders: ['postgresql', 'cockroachdb'],
  adapterPackage: '@prisma/adapter-pg',
  driverPackages: ['pg'],
  urlSchemes: ['postgresql:', 'postgres:'],
  exampleUrl: 'postgresql://user:password@host:5432/name',
  build: buildPostgresAdapter,
  classify: classifyPostgresError,
  healthCheckSql: 'SELECT 1',
  primaryHealthCheck: PRIMARY_HEALTH_CHECK,
};
