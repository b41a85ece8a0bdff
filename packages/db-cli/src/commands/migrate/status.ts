import { printable, scrubSecrets } from '@kusto/db';
import type { Options } from 'yargs';
import { EXIT_FAILED, EXIT_OK, type CommandResult } from '../../command.js';
import type { CliContext } from '../../context.js';
import type { GlobalArgs } from '../../global-options.js';
import type { MigrationState, StatusResult } from '@kusto/migrate';
import { palette } from '../../output/colors.js';
import { renderTable } from '../../output/table.js';
import { resolveTargets } from '../../targets/resolve-targets.js';
import { connectionReport } from '../../targets/connection-url.js';
import { CLI_DRIVER_DIRS, inCliTerms, loadRunner, prepareRunnerTargets, type RunnerTarget } from '../runner-support.js';
import type { MigrateType } from '../migrate.js';

/** The words the table uses for each state. */
export const STATE_LABELS: Readonly<Record<MigrationState, string>> = {
  applied: 'applied',
  pending: 'pending',
  failed: 'failed',
  checksumMismatch: 'checksum mismatch',
  missingLocally: 'missing locally',
  rollbackFailed: 'rollback failed halfway',
};

/** The options of `status` and `migrate -t status`, declared once for both. */
export const STATUS_OPTIONS = {
  json: { type: 'boolean', describe: 'Print one JSON document instead of the table' },
} as const satisfies Readonly<Record<string, Options>>;

/** The `--json` document: one entry per database, in name order. */
export interface StatusDocument {
  /** True when every database is up to date (the exit code is then 0). */
  readonly upToDate: boolean;
  readonly databases: ReadonlyArray<{
    readonly database: string;
    /** The URL it was read through: its variable, `direct` or `main`, and the target without the password. */
    readonly connection: { readonly envVar: string; readonly kind: 'direct' | 'main'; readonly target: string };
    readonly upToDate: boolean;
    readonly hasMigrationsTable: boolean;
    readonly counts: Readonly<Record<MigrationState, number>>;
    readonly migrations: ReadonlyArray<{
      readonly name: string;
      readonly state: MigrationState;
      readonly appliedAt: string | null;
      readonly hasDown: boolean;
      readonly localChecksum: string | null;
      readonly appliedChecksum: string | null;
      readonly logs: string | null;
      /** `rollbackFailed`: the down.sql statements that took effect (a rerun of the rollback skips them). */
      readonly rollbackStatementsDone: readonly string[] | null;
    }>;
    readonly ignored: ReadonlyArray<{ readonly name: string; readonly reason: string }>;
    readonly error: { readonly code: string; readonly message: string } | null;
  }>;
}

function toDocument(reports: ReadonlyArray<{ target: RunnerTarget; status: StatusResult }>): StatusDocument {
  const databases = reports.map(({ target, status }) => ({
    database: status.database,
    connection: connectionReport(target),
    upToDate: status.upToDate,
    hasMigrationsTable: status.hasMigrationsTable,
    counts: status.counts,
    migrations: status.migrations.map((entry) => ({
      name: entry.name,
      state: entry.state,
      appliedAt: entry.finishedAt?.toISOString() ?? null,
      hasDown: entry.hasDown,
      localChecksum: entry.localChecksum ?? null,
      appliedChecksum: entry.appliedChecksum ?? null,
      logs: entry.logs === undefined ? null : scrubSecrets(entry.logs, target.url),
      rollbackStatementsDone: entry.rollbackStatementsDone ?? null,
    })),
    ignored: status.ignored.map(({ name, reason }) => ({ name, reason })),
    error: status.error ? { code: status.error.code, message: inCliTerms(status.error, target) } : null,
  }));
  return { upToDate: databases.every((database) => database.upToDate), databases };
}

function printTable(document: StatusDocument, context: CliContext): void {
  const paint = palette(context.colors);
  context.io.out(paint.dim(`Read ${document.databases.map((database) => `${database.database} via ${database.connection.envVar}`).join(', ')}.`));
  const rows: { cells: string[]; state: MigrationState | 'none' | 'error' }[] = [];
  for (const database of document.databases) {
    if (database.error) rows.push({ cells: [database.database, '-', 'error', '-'], state: 'error' });
    else if (database.migrations.length === 0) rows.push({ cells: [database.database, '(no migrations)', '-', '-'], state: 'none' });
    for (const entry of database.migrations) {
      rows.push({ cells: [database.database, printable(entry.name), STATE_LABELS[entry.state], entry.appliedAt ?? '-'], state: entry.state });
    }
  }
  const lines = renderTable(
    ['database', 'migration', 'state', 'applied at'],
    rows.map((row) => row.cells),
    (cell, row, column) => {
      if (column !== 2) return cell;
      const state = rows[row]?.state;
      return state === 'applied' ? paint.ok(cell) : state === 'pending' ? paint.warn(cell) : state === 'none' ? cell : paint.fail(cell);
    },
  );
  for (const line of lines) context.io.out(line);

  for (const database of document.databases) {
    if (database.error) context.io.err(`${paint.fail('✖')} ${database.database}: ${database.error.message}`);
    for (const ignored of database.ignored) context.io.err(`${paint.warn('!')} ${database.database}: skipped migrations/${printable(ignored.name)}: ${ignored.reason}`);
    for (const entry of database.migrations) {
      const firstLine = entry.logs?.split('\n').find((line) => line.trim() !== '');
      if (entry.state === 'rollbackFailed') {
        const done = entry.rollbackStatementsDone ?? [];
        context.io.err(`${paint.fail('✖')} ${database.database}: the rollback of ${printable(entry.name)} failed halfway${firstLine ? `: ${firstLine}` : ''}`);
        context.io.err(
          `    ${done.length} statement${done.length === 1 ? '' : 's'} of its down.sql took effect (${done.map((statement) => printable(statement.split('\n')[0]!.trim())).join('; ')}). ` +
            `Fix down.sql and run kusto-db rollback -d ${database.database} again: it resumes after them. Deploy waits until then.`,
        );
        continue;
      }
      if (entry.state !== 'failed') continue;
      if (firstLine) context.io.err(`${paint.fail('✖')} ${database.database}: ${printable(entry.name)} failed: ${firstLine}`);
      context.io.err(
        `    Once fixed (and what it left behind undone): kusto-db migrate -t resolve -d ${database.database} --rolled-back ${printable(entry.name)}, then deploy again.`,
      );
    }
  }
  const totals = { pending: 0, failed: 0, checksumMismatch: 0, missingLocally: 0, rollbackFailed: 0 };
  for (const database of document.databases) for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += database.counts[key];
  context.io.out('');
  if (document.upToDate) {
    context.io.out(paint.ok(document.databases.length === 1 ? 'Up to date.' : `All ${document.databases.length} databases are up to date.`));
    return;
  }
  const parts = (Object.keys(totals) as (keyof typeof totals)[]).filter((key) => totals[key] > 0).map((key) => `${totals[key]} ${STATE_LABELS[key]}`);
  const errors = document.databases.filter((database) => database.error).length;
  if (errors > 0) parts.push(`${errors} database${errors === 1 ? '' : 's'} unreadable`);
  context.io.out(paint.fail(`Not up to date: ${parts.join(', ')}.`) + (totals.pending > 0 ? ' Run kusto-db migrate -t deploy to apply pending migrations.' : ''));
}

/**
 * The status report behind `migrate -t status` and `status`: one table (or `--json` document)
 * across databases. Exit code 1 when anything is pending, failed, edited after apply, missing
 * locally or unreadable; 0 when everything is up to date.
 */
export async function runStatus(args: GlobalArgs & { readonly json?: unknown }, context: CliContext, commandName: string): Promise<CommandResult> {
  const { databases } = resolveTargets(args, 'all-by-default', context, commandName);
  // Status only reads (no lock, no SET): the direct URL when set, else the main one, pooled or not.
  const targets = await prepareRunnerTargets(databases, context, 'preferDirect');
  const { createMigrator, migratorOptionsForFolder } = await loadRunner();
  // Read-only, so every database is read at once; the report keeps name order.
  const reports = await Promise.all(
    targets.map(async (target) => ({ target, status: await createMigrator(migratorOptionsForFolder(target.folder, target.url, { driverDirs: CLI_DRIVER_DIRS })).status() })),
  );
  const document = toDocument(reports);
  if (args.json === true) context.io.out(JSON.stringify(document, null, 2));
  else if (targets.length === 0) context.io.out('No databases to work on.');
  else printTable(document, context);
  return { exitCode: document.upToDate ? EXIT_OK : EXIT_FAILED };
}

export const migrateStatus: MigrateType = {
  name: 'status',
  describe: 'applied / pending / failed / edited / missing migrations of each database (exit 1 unless up to date)',
  options: STATUS_OPTIONS,
  run: (args, context) => runStatus(args, context, 'migrate -t status'),
};
