export { ADAPTER_PACKAGES, type BuiltAdapter, type PoolStats } from './adapters/create-adapter.js';
export { classifyError, isConnectionFailure, type FailureKind } from './connection/classify-error.js';
export type { ConnectionState } from './connection/connection.js';
export { POOL_URL_PARAMETERS, parseDatabaseUrl, type DatabaseUrl } from './connection/database-url.js';
export { declaresTransactionPooler, POOLER_URL_PARAMETER } from './connection/pooler.js';
export { HEALTH_CHECK_BOUND_MARGIN_MS, HealthCheckTimeoutError, type HealthCheckStage } from './connection/health-check.js';
export type { PrismaClientLike } from './connection/prisma-client.js';
export { kusto, registerDatabases } from './default-instance.js';
export { HEALTH_DEFAULTS, PROFILE_DEFAULTS } from './defaults.js';
export {
  DEFAULT_ROOT,
  configUrlEnv,
  discoverDatabases,
  folderUrlVariable,
  resolveRoot,
  type DatabaseFolder,
  type Discovery,
  type RootLayout,
  type RootOptions,
  type SkippedFolder,
} from './discovery/discover.js';
export {
  CLIENT_GENERATORS,
  DEFAULT_CLIENT_OUTPUT,
  DEFAULT_GENERATED_FILE_EXTENSION,
  clientImportSpecifier,
  clientModule,
  clientModuleProblem,
  type ClientGenerator,
  type ClientModule,
} from './discovery/client-module.js';
export { parseSchema, type SchemaInfo } from './discovery/schema-file.js';
export { missingUrlError, resolveDirectUrlSource, resolveReadUrlSource, resolveUrlSource, type ReadUrlSource, type UrlSource } from './config.js';
export * from './errors.js';
export type * from './events.js';
export {
  createKustoDb,
  KustoDb,
  type DatabaseHealth,
  type DatabaseStatus,
  type GetClientOptions,
  type HealthCheckOptions,
  type HealthReport,
} from './manager.js';
export { assertDatabaseName, directEnvVarForDatabase, envVarForDatabase, readEnvVarForDatabase } from './naming/database-name.js';
export {
  describeTarget,
  hasMisencodedCredentials,
  INVALID_URL_TARGET,
  MISENCODED_URL_TARGET,
  REDACTED,
  redactUrl,
  scrubSecrets,
} from './naming/redact-url.js';
export { printable } from './naming/printable.js';
export { splitReadUrls } from './replicas/read-urls.js';
export type { ReplicaHealth, ReplicaStatus } from './replicas/replica-set.js';
export { READ_OPERATIONS } from './replicas/routing.js';
export type * from './options.js';
export { detectProfile, resolveProfile, SERVERLESS_ENV_VARS, type DetectedProfile, type ProfileDecision, type ProfileName, type ProfileOption } from './profiles/profile.js';
export type { ClientFor, DatabaseName, KustoDatabases, ReplicaRoutingMethods, WithReplicaRouting } from './types/databases.js';
export { DEFAULT_TYPES_FILE, renderDatabaseTypes, writeDatabaseTypes } from './types/render-database-types.js';
export { defineRegistry, type DatabaseRegistry, type RegisteredDatabase } from './registry/registry.js';
export {
  DEFAULT_REGISTRY_FILE,
  registryFormatFor,
  registryPackages,
  renderDatabaseRegistry,
  writeDatabaseRegistry,
  type RegistryFormat,
  type RegistryRenderOptions,
} from './registry/render-registry.js';
