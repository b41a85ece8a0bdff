import type { MigrationError } from './errors.js';
import type { MigratorConfig } from './options.js';
import type { MarkRolledBackResult } from './results.js';
import { toMigrationError, withConnection, withMigrationLock } from './session.js';

/**
 * Marks the failed rows of a migration as rolled back, as `prisma migrate resolve --rolled-back`
 * does (it sets `rolled_back_at`: prisma/prisma-engines
 * `schema-engine/connectors/sql-schema-connector/src/sql_migration_persistence.rs`,
 * `mark_migration_rolled_back_by_id`), so the next deploy runs the migration again. Use it after
 * fixing a migration that failed; finished migrations are left alone (revert those with `rollback`).
 */
export async function markRolledBack(config: MigratorConfig, migration: string): Promise<MarkRolledBackResult> {
  let updated = 0;
  let error: MigrationError | undefined;
  try {
    updated = await withConnection(config, (connection) =>
      withMigrationLock(config, connection, async () =>
        (await connection.hasMigrationsTable()) ? connection.markFailedRolledBack(migration, config.clock()) : 0,
      ),
    );
  } catch (caught) {
    error = toMigrationError(config, caught);
  }
  return { database: config.database, ok: error === undefined, migration, updated, error };
}
