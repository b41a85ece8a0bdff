// Native migration runner: apply, report and revert Prisma migrations without Prisma's engine,
// keeping Prisma's own `_prisma_migrations` bookkeeping. Also the seed and SQL runners the CLI uses.
export { checksumMatches, migrationChecksum } from './checksum.js';
export { computeStatus, type MigrationState, type MigrationStatusEntry } from './compute-status.js';
export * from './errors.js';
export {
  EXECUTE_BATCH_ROWS,
  EXECUTE_PROVIDERS,
  EXECUTE_SQL_DEFAULTS,
  executeSql,
  SqlExecutionError,
  streamSql,
  type ExecuteSqlField,
  type ExecuteSqlOptions,
  type ExecuteSqlResult,
  type ExecuteSqlStatementResult,
  type SqlRowSink,
  type StreamSqlResult,
} from './execute-sql.js';
export { DatabaseStatementError, type ConnectOptions, type MigrationConnection, type MigrationRow, type RollbackHistoryEntry } from './migration-connection.js';
export {
  DOWN_FILE,
  MIGRATION_FILE,
  readLocalMigrations,
  type IgnoredMigrationFolder,
  type LocalMigration,
  type LocalMigrations,
  type MigrationFileSystem,
} from './migration-files.js';
export { createMigrator, type Migrator } from './migrator.js';
export {
  MIGRATION_PROVIDERS,
  MIGRATOR_DEFAULTS,
  migratorOptionsForFolder,
  silentLogger,
  type ConnectMigrationDatabase,
  type MigrationLogger,
  type MigratorOptions,
} from './options.js';
export {
  judgeRound,
  judgeRounds,
  openPgProbeConnection,
  POOLER_PROBE_DEFAULTS,
  probeTransactionPooler,
  type OpenProbeConnection,
  type PoolerProbeOptions,
  type PoolerProbeResult,
  type PoolerProbeRound,
  type PoolerVerdict,
  type ProbeConnection,
  type RoundJudgement,
} from './pooler-probe.js';
export { PRISMA_MIGRATIONS_TABLE, ROLLBACK_HISTORY_TABLE } from './bookkeeping.js';
export { DRIVER_PACKAGES, DriverMissingError } from './drivers.js';
export { PRISMA_ADVISORY_LOCK_KEY, connectPostgres } from './dialects/postgres/connection.js';
export { MYSQL_MIGRATIONS_DDL, PRISMA_MYSQL_LOCK_NAME, PRISMA_MYSQL_LOCK_TIMEOUT_SECONDS, connectMysql } from './dialects/mysql/connection.js';
export { SQLITE_LOCKING_MODE, SQLITE_MIGRATIONS_DDL, connectSqlite } from './dialects/sqlite/connection.js';
export { sqliteFilePath } from './dialects/sqlite/file.js';
export type {
  DeployResult,
  MarkRolledBackResult,
  ResolveResult,
  MigrationRunResult,
  RollbackHistoryResult,
  RollbackPlanEntry,
  RollbackResult,
  StatusResult,
} from './results.js';
export type { ResolveOptions } from './resolve.js';
export type { RollbackOptions } from './rollback.js';
export { resolveRollbackTarget, type RollbackTarget } from './rollback-target.js';
export { runSeed, SeedFailedError, type RunSeedOptions, type RunSeedResult, type SeedChildProcess, type SeedSource, type SeedSpawn } from './run-seed.js';
export { splitSqlStatements, type SqlDialect, type SqlStatement } from './split-statements.js';
