import { ResolveRefusedError, type MigrationError } from './errors.js';
import { readLocalMigrations } from './migration-files.js';
import type { MigratorConfig } from './options.js';
import type { ResolveResult } from './results.js';
import { Refusal, refusedOrFailed, withConnection, withMigrationLock } from './session.js';

/** What `resolve()` records: exactly one of the two, as `prisma migrate resolve` takes. */
export type ResolveOptions = { readonly applied: string; readonly rolledBack?: never } | { readonly rolledBack: string; readonly applied?: never };

/**
 * Records a migration as applied or rolled back without running it, with the semantics of Prisma's
 * `migrate resolve`, under the migration lock:
 *
 * - `applied` (prisma/prisma-engines `schema-engine/core/src/commands/mark_migration_applied.rs`):
 *   the migration must exist locally with a `migration.sql` (else P3017); creates
 *   `_prisma_migrations` when missing; refuses when a row of that name already finished (P3008);
 *   marks its failed rows rolled back; inserts a finished row with the local file's checksum
 *   (`logs` '', `started_at` = `finished_at` = now, `applied_steps_count` 0).
 * - `rolledBack` (`schema-engine/core/src/commands/mark_migration_rolled_back.rs`): refuses when
 *   the migration has no row (P3011) or when every row of it finished (P3012); sets
 *   `rolled_back_at` on its failed rows, so the next deploy runs it again.
 *
 * Never throws: refusals come back as `outcome: 'refused'` with a {@link ResolveRefusedError}.
 */
export async function resolve(config: MigratorConfig, options: ResolveOptions): Promise<ResolveResult> {
  const how = options.applied !== undefined ? 'applied' : 'rolledBack';
  const migration = (options.applied ?? options.rolledBack);
  let updated = 0;
  let error: MigrationError | undefined;
  let outcome: ResolveResult['outcome'] = how;
  const refuse = (reason: ResolveRefusedError['reason'], prismaCode: ResolveRefusedError['prismaCode']): never => {
    throw new Refusal(new ResolveRefusedError(config.database, migration, reason, prismaCode));
  };
  try {
    const local = how === 'applied' ? await readLocalMigrations(config.migrationsDir, config.fs) : undefined;
    await withConnection(config, (connection) =>
      withMigrationLock(config, connection, async () => {
        if (how === 'applied') {
          const folder = local!.migrations.find((candidate) => candidate.name === migration);
          if (!folder) refuse('notFoundLocally', 'P3017');
          await connection.ensureMigrationsTable();
          const rows = (await connection.listMigrationRows()).filter((row) => row.migrationName === migration);
          if (rows.some((row) => row.finishedAt !== null)) refuse('alreadyApplied', 'P3008');
          const at = config.clock();
          await connection.begin();
          try {
            updated = await connection.markFailedRolledBack(migration, at);
            await connection.recordMigrationApplied({ id: config.generateId(), migrationName: migration, checksum: folder!.checksum, at });
            await connection.commit();
          } catch (caught) {
            await connection.rollback().catch(() => undefined);
            throw caught;
          }
          return;
        }
        const rows = (await connection.hasMigrationsTable())
          ? (await connection.listMigrationRows()).filter((row) => row.migrationName === migration)
          : [];
        if (rows.length === 0) refuse('notApplied', 'P3011');
        if (rows.every((row) => row.finishedAt !== null)) refuse('notFailed', 'P3012');
        updated = await connection.markFailedRolledBack(migration, config.clock());
      }),
    );
  } catch (caught) {
    ({ outcome, error } = refusedOrFailed(config, caught));
  }
  return { database: config.database, ok: error === undefined, outcome, migration, updated, error };
}
