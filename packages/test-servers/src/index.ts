export type { BackendKind } from './backend.js';
export { DEFAULT_POSTGRES_IMAGE } from './container/container-server.js';
export { containerRuntimeAvailable } from './container/restartable-container.js';
export { TestServerError } from './errors.js';
export { acceptsTcp, findFreePort } from './free-port.js';
export type { PgBouncerPool, PgBouncerStats } from './pgbouncer/admin-console.js';
export {
  locatePgBouncer,
  PGBOUNCER_BINARY_ENV,
  PGBOUNCER_FALLBACK_PATHS,
  pgbouncerAvailability,
  type LocatePgBouncerOptions,
  type PgBouncerAvailability,
} from './pgbouncer/binary.js';
export type { PgBouncerPoolMode } from './pgbouncer/config-files.js';
export {
  DEFAULT_PGBOUNCER_MAX_CLIENT_CONN,
  DEFAULT_PGBOUNCER_POOL_MODE,
  DEFAULT_PGBOUNCER_POOL_SIZE,
  DEFAULT_PGBOUNCER_READY_TIMEOUT_MS,
  startPgBouncer,
  type PgBouncer,
  type PgBouncerState,
  type PgBouncerUpstream,
  type PgBouncerUrlOptions,
  type StartPgBouncerOptions,
} from './pgbouncer/start-pgbouncer.js';
export {
  BACKEND_ENV_VAR,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_USER,
  startPostgres,
  type PostgresServer,
  type StartPostgresOptions,
} from './start-postgres.js';
export { holdSqliteLock, type SqliteLockHolder } from './sqlite-lock-holder.js';
export { startTcpProxy, type ProxyMode, type TcpProxy, type TcpProxyOptions } from './tcp-proxy.js';
export type { MariaDbBackendKind } from './mariadb/backend.js';
export {
  locateMariaDb,
  MARIADB_BINARY_ENV,
  MARIADB_FALLBACK_PATHS,
  mariadbAvailability,
  type LocateMariaDbOptions,
  type MariaDbAvailability,
} from './mariadb/binary.js';
export { DEFAULT_MARIADB_IMAGE } from './mariadb/container-server.js';
export {
  DEFAULT_MARIADB_MAX_CONNECTIONS,
  DEFAULT_MARIADB_READY_TIMEOUT_MS,
  DEFAULT_MARIADB_USER,
  MARIADB_BACKEND_ENV,
  startMariaDb,
  type MariaDbServer,
  type StartMariaDbOptions,
} from './mariadb/start-mariadb.js';
