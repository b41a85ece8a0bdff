import { SELECT_ONE, type HealthQuery } from './health-check.js';

/**
 * Postgres: `transaction_read_only` is `on` in a hot standby (`pg_is_in_recovery()`) and under
 * `default_transaction_read_only = on` (what an old writer looks like after an RDS/Aurora
 * failover), so one setting covers both.
 */
const POSTGRES_PRIMARY: HealthQuery = {
  sql: "SELECT current_setting('transaction_read_only') AS read_only",
  readOnly: (rows) => rows[0]?.read_only === 'on',
  readOnlyDetail: 'transaction_read_only = on',
};

/**
 * The health check of a primary: it must accept writes, so where the provider can tell, the
 * check fails with `ReadOnlyServerError` on a read-only server. Replicas use `SELECT 1`.
 */
export function primaryHealthQuery(provider: string | undefined): HealthQuery {
  return provider === 'postgresql' ? POSTGRES_PRIMARY : SELECT_ONE;
}
