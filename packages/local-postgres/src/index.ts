export type { BackendKind } from './backend.js';
export { containerRuntimeAvailable, DEFAULT_POSTGRES_IMAGE } from './container/container-server.js';
export { LocalPostgresError } from './errors.js';
export { findFreePort } from './free-port.js';
export {
  BACKEND_ENV_VAR,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_USER,
  startPostgres,
  type PostgresServer,
  type StartPostgresOptions,
} from './start-postgres.js';
export { startTcpProxy, type ProxyMode, type TcpProxy, type TcpProxyOptions } from './tcp-proxy.js';
