import { printable } from '@kusto/db';
import { computeStatus, halfDoneRollbacks } from './compute-status.js';
import { FailedMigrationsPresentError, MigrationFailedError, RollbackIncompleteError, RunCancelledError, type MigrationError } from './errors.js';
import { DatabaseStatementError, type MigrationConnection } from './migration-connection.js';
import { readLocalMigrations, type IgnoredMigrationFolder, type LocalMigration } from './migration-files.js';
import type { MigratorConfig } from './options.js';
import { migrationRunResult, type DeployResult, type MigrationRunResult } from './results.js';
import { planScript, runStatements, type ScriptPlan } from './run-script.js';
import { toMigrationError, withConnection, withMigrationLock } from './session.js';

function notRun(migration: LocalMigration, plan: ScriptPlan): MigrationRunResult {
  return migrationRunResult(migration.name, 'up', plan, { status: 'notRun' });
}

/** The text stored in `logs` for a failed migration (Prisma stores its error's text there too). */
function failureLogs(error: MigrationFailedError): string {
  return `${error.message}\n\nFailed statement (${error.file}:${error.line}):\n${error.statement}\n`;
}

async function applyOne(
  config: MigratorConfig,
  connection: MigrationConnection,
  migration: LocalMigration,
  plan: ScriptPlan,
): Promise<MigrationRunResult> {
  const id = config.generateId();
  const startedAt = config.clock();
  const started = config.monotonic();
  config.logger.info(
    `${config.database}: applying ${printable(migration.name)}` + (plan.transactional ? '' : ` outside a transaction (${plan.reason ?? ''})`),
  );
  // Prisma records the start before running the script (`record_migration_started` in
  // prisma/prisma-engines `schema-engine/core/src/commands/apply_migrations.rs`): a crash mid-way
  // leaves a row with finished_at NULL, which both tools then read as failed.
  await connection.recordMigrationStarted({ id, migrationName: migration.name, checksum: migration.checksum, startedAt });

  if (plan.transactional) await connection.begin(plan.statements);
  let outcome = await runStatements(connection, plan.statements, config.signal);
  if (!outcome.failure) {
    // Success bookkeeping commits with the DDL, so "applied" and "recorded" cannot disagree.
    await connection.recordMigrationFinished(id, config.clock());
    if (plan.transactional) {
      try {
        await connection.commit();
      } catch (cause) {
        if (!(cause instanceof DatabaseStatementError)) throw cause;
        outcome = {
          statementsRun: outcome.statementsRun,
          failure: {
            detail: {
              statement: 'COMMIT',
              statementIndex: plan.statements.length,
              line: plan.statements.at(-1)?.line ?? 1,
              databaseCode: cause.databaseCode,
              databaseMessage: cause.message,
            },
            cause,
          },
        };
      }
    }
  } else if (plan.transactional) {
    await connection.rollback();
  }

  const durationMs = config.monotonic() - started;
  if (outcome.failure) {
    const error = new MigrationFailedError(
      config.database,
      migration.name,
      migration.file,
      outcome.failure.detail,
      plan.transactional,
      { cause: outcome.failure.cause },
      config.signal?.aborted === true,
    );
    await connection.recordMigrationFailed(id, failureLogs(error));
    config.logger.warn(error.message);
    return migrationRunResult(migration.name, 'up', plan, {
      status: 'failed',
      statementsRun: plan.transactional ? 0 : outcome.statementsRun,
      startedAt,
      durationMs,
      error,
    });
  }
  config.logger.info(`${config.database}: applied ${printable(migration.name)} in ${Math.round(durationMs)} ms`);
  return migrationRunResult(migration.name, 'up', plan, { status: 'succeeded', statementsRun: outcome.statementsRun, startedAt, durationMs });
}

/**
 * Applies every pending migration in folder-name order under the migration lock, each in its own
 * transaction where possible, stopping at the first failure. Never throws: every outcome is in
 * the result.
 */
export async function deploy(config: MigratorConfig): Promise<DeployResult> {
  const started = config.monotonic();
  const results: MigrationRunResult[] = [];
  const warnings: string[] = [];
  let ignored: readonly IgnoredMigrationFolder[] = [];
  let error: MigrationError | undefined;
  try {
    const local = await readLocalMigrations(config.migrationsDir, config.fs);
    ignored = local.ignored;
    await withConnection(config, (connection) =>
      withMigrationLock(config, connection, async () => {
        await connection.ensureMigrationsTable();
        const rows = await connection.listMigrationRows();
        // Prisma refuses to deploy while a failed migration is unresolved
        // (`detect_failed_migrations` in prisma/prisma-engines `schema-engine/core/src/commands/apply_migrations.rs`).
        const failed = [...new Set(rows.filter((row) => row.finishedAt === null && row.rolledBackAt === null).map((row) => row.migrationName))];
        if (failed.length > 0) throw new FailedMigrationsPresentError(config.database, failed);
        // Nor do we apply anything on top of a migration that is half reverted.
        const halfReverted = [...halfDoneRollbacks(rows, await connection.listHistory()).keys()];
        if (halfReverted.length > 0) throw new RollbackIncompleteError(config.database, halfReverted);

        for (const entry of computeStatus(local.migrations, rows)) {
          if (entry.state === 'checksumMismatch') warnings.push(`${printable(entry.name)} was edited after it was applied (checksum mismatch).`);
          if (entry.state === 'missingLocally') warnings.push(`${printable(entry.name)} is applied but its folder is missing locally.`);
        }
        // Prisma's rule for "unapplied": no row of that name with rolled_back_at NULL (apply_migrations.rs).
        const pending = local.migrations.filter(
          (migration) => !rows.some((row) => row.migrationName === migration.name && row.rolledBackAt === null),
        );
        const plans = pending.map((migration) => ({ migration, plan: planScript(connection, migration.script) }));
        for (const [index, { migration, plan }] of plans.entries()) {
          if (config.signal?.aborted) {
            error = new RunCancelledError(config.database);
            results.push(...plans.slice(index).map((rest) => notRun(rest.migration, rest.plan)));
            break;
          }
          const result = await applyOne(config, connection, migration, plan);
          results.push(result);
          if (result.error) {
            error = result.error;
            results.push(...plans.slice(index + 1).map((rest) => notRun(rest.migration, rest.plan)));
            break;
          }
        }
      }),
    );
  } catch (caught) {
    error = toMigrationError(config, caught);
  }
  for (const warning of warnings) config.logger.warn(`${config.database}: ${warning}`);
  const applied = results.some((result) => result.status === 'succeeded');
  return {
    database: config.database,
    ok: error === undefined,
    outcome: error ? 'failed' : applied ? 'applied' : 'upToDate',
    results,
    error,
    warnings,
    ignored,
    durationMs: config.monotonic() - started,
  };
}
