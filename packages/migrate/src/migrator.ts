import { deploy } from './deploy.js';
import { markRolledBack } from './mark-rolled-back.js';
import { resolveMigratorConfig, type MigratorOptions } from './options.js';
import type { DeployResult, MarkRolledBackResult, ResolveResult, RollbackHistoryResult, RollbackResult, StatusResult } from './results.js';
import { resolve, type ResolveOptions } from './resolve.js';
import { rollbackHistory } from './rollback-history.js';
import { rollback, type RollbackOptions } from './rollback.js';
import { status } from './status.js';

/**
 * Applies, reports and reverts the migrations of one database, keeping Prisma's own
 * `_prisma_migrations` bookkeeping so `prisma migrate` and this runner can take turns on the same
 * database. Every method resolves with a result object; none rejects for an expected outcome
 * (a failing migration, a refused rollback, an unreachable server): read `ok` and `error`.
 */
export interface Migrator {
  readonly database: string;
  /** Local migrations against `_prisma_migrations`: applied, pending, failed, checksum mismatch, missing locally. Read-only. */
  status(): Promise<StatusResult>;
  /** Applies pending migrations in folder-name order, one transaction each where possible; stops at the first failure. */
  deploy(): Promise<DeployResult>;
  /** Reverts `{ steps }` newest migrations, or every one newer than `{ to }`, with their `down.sql`. `dryRun` changes nothing. */
  rollback(options: RollbackOptions): Promise<RollbackResult>;
  /**
   * Records a migration as applied (`{ applied }`) or a failed one as rolled back (`{ rolledBack }`)
   * without running SQL, with the rules of `prisma migrate resolve` (what it accepts and refuses).
   */
  resolve(options: ResolveOptions): Promise<ResolveResult>;
  /** Marks a failed migration's rows rolled back, refusing nothing (0 rows when it had none); `resolve({ rolledBack })` applies Prisma's checks. */
  markRolledBack(migration: string): Promise<MarkRolledBackResult>;
  /** The rollbacks recorded in our own history table, oldest first. Read-only. */
  history(): Promise<RollbackHistoryResult>;
}

/**
 * Creates a {@link Migrator}. Nothing connects until a method is called; each call opens one
 * connection and closes it before resolving. Throws only for options that cannot work
 * (`UnsupportedMigrationProviderError`).
 *
 * @example
 * const migrator = createMigrator({ database: 'user', url: process.env.RDS_USER_URL!, migrationsDir: 'src/app/db/user/migrations' });
 * const result = await migrator.deploy();
 * if (!result.ok) console.error(result.error?.message);
 */
export function createMigrator(options: MigratorOptions): Migrator {
  const config = resolveMigratorConfig(options);
  return {
    database: config.database,
    status: () => status(config),
    deploy: () => deploy(config),
    rollback: (rollbackOptions) => rollback(config, rollbackOptions),
    resolve: (resolveOptions) => resolve(config, resolveOptions),
    markRolledBack: (migration) => markRolledBack(config, migration),
    history: () => rollbackHistory(config),
  };
}
