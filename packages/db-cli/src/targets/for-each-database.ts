import { isUserError } from '../errors.js';
import type { DatabaseFolder } from '@kusto/db';
import { EXIT_CANCELLED, EXIT_FAILED, EXIT_OK } from '../command.js';
import type { CliContext } from '../context.js';
import { palette } from '../output/colors.js';
import { formatDuration, renderTable } from '../output/table.js';

/** `skipped`: nothing to do for that database (e.g. it has no seed); not a failure. */
export type DatabaseResultKind = 'ok' | 'skipped' | 'failed' | 'cancelled';

/** What the work on one database produced. */
export interface DatabaseWork {
  readonly result: DatabaseResultKind;
  /** One line shown after the result (e.g. `prisma exited with 1`). */
  readonly detail?: string;
  /** Captured output shown under the progress line (Prisma's, when it was captured). */
  readonly output?: string;
}

export interface DatabaseOutcome extends DatabaseWork {
  readonly database: string;
  readonly ms: number;
}

export interface ForEachOptions {
  /** How many databases run at once. Default 1. */
  readonly concurrency?: number;
  /** Verb shown in progress lines, e.g. `generate`. */
  readonly action: string;
  /** Show captured output of successful databases too. Default false (failures always show it). */
  readonly verbose?: boolean;
}

const MARK: Record<DatabaseResultKind, string> = { ok: '✔', skipped: '-', failed: '✖', cancelled: '■' };

/**
 * Runs `work` for every database with at most `concurrency` at a time, printing a progress line
 * with the time each took. A thrown user error becomes that database's failure; other databases
 * still run. Once one is cancelled (Ctrl+C), the ones not started yet are reported as cancelled
 * without running.
 */
export async function forEachDatabase(
  databases: readonly DatabaseFolder[],
  work: (folder: DatabaseFolder) => Promise<DatabaseWork>,
  options: ForEachOptions,
  context: Pick<CliContext, 'io' | 'now' | 'colors'>,
): Promise<DatabaseOutcome[]> {
  const paint = palette(context.colors);
  const outcomes: DatabaseOutcome[] = new Array<DatabaseOutcome>(databases.length);
  let next = 0;
  let cancelled = false;
  const worker = async () => {
    while (next < databases.length) {
      const index = next++;
      const folder = databases[index]!;
      const started = context.now();
      let done: DatabaseWork;
      if (cancelled) {
        done = { result: 'cancelled', detail: 'not started' };
      } else {
        try {
          done = await work(folder);
        } catch (error) {
          if (!isUserError(error)) throw error;
          done = { result: 'failed', detail: error.message };
        }
      }
      if (done.result === 'cancelled') cancelled = true;
      const outcome: DatabaseOutcome = { database: folder.name, ms: context.now() - started, ...done };
      outcomes[index] = outcome;
      const color = outcome.result === 'ok' ? paint.ok : outcome.result === 'failed' ? paint.fail : outcome.result === 'skipped' ? paint.dim : paint.warn;
      context.io.out(
        `${color(MARK[outcome.result])} ${paint.bold(folder.name)} ${options.action} ${outcome.result} ${paint.dim(`(${formatDuration(outcome.ms)})`)}${outcome.detail ? `: ${outcome.detail}` : ''}`,
      );
      if (outcome.output && ((outcome.result !== 'ok' && outcome.result !== 'skipped') || options.verbose)) {
        for (const line of outcome.output.trimEnd().split('\n')) context.io.out(`    ${line}`);
      }
    }
  };
  const lanes = Math.max(1, Math.min(options.concurrency ?? 1, databases.length));
  await Promise.all(Array.from({ length: lanes }, worker));
  return outcomes;
}

/** Prints the end summary (database, result, time) and returns the exit code: 130 if any was cancelled, 1 if any failed. */
export function summarize(outcomes: readonly DatabaseOutcome[], context: Pick<CliContext, 'io' | 'colors'>): number {
  const paint = palette(context.colors);
  if (outcomes.length === 0) {
    context.io.out('No databases to work on.');
    return EXIT_OK;
  }
  context.io.out('');
  const lines = renderTable(
    ['database', 'result', 'time'],
    outcomes.map((outcome) => [outcome.database, outcome.result, formatDuration(outcome.ms)]),
    (cell, row, column) => {
      if (column !== 1) return cell;
      const result = outcomes[row]?.result;
      return result === 'ok' ? paint.ok(cell) : result === 'failed' ? paint.fail(cell) : result === 'skipped' ? paint.dim(cell) : paint.warn(cell);
    },
  );
  for (const line of lines) context.io.out(line);
  if (outcomes.some((outcome) => outcome.result === 'cancelled')) return EXIT_CANCELLED;
  return outcomes.some((outcome) => outcome.result === 'failed') ? EXIT_FAILED : EXIT_OK;
}
