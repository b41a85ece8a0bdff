import type { DatabaseFolder } from '@kusto/db';
import { EXIT_CANCELLED, EXIT_FAILED, type CommandResult } from '../command.js';
import type { CliContext } from '../context.js';
import type { GlobalArgs } from '../global-options.js';
import { resolveTargets, type Targets } from '../targets/resolve-targets.js';
import { confirmDangerous, refusalWithoutTerminal, type ConfirmationOutcome } from './confirm-dangerous.js';
import type { RandomInt } from './confirmation-code.js';

export interface GuardedTarget {
  readonly targets: Targets;
  readonly folder: DatabaseFolder;
  readonly outcome: Extract<ConfirmationOutcome, 'confirmed' | 'forced'>;
}

export interface GuardOptions {
  /** Command as typed, e.g. `push`. */
  readonly action: string;
  readonly consequence: string;
  readonly force: boolean;
  /**
   * Checks of the command's own arguments against the folder, without I/O (e.g. rollback's `-t`):
   * run right after `-d` resolved, so a typing mistake is named even without a terminal. Throw a
   * user error to stop.
   */
  readonly validate?: (folder: DatabaseFolder) => void;
  /**
   * What the command needs on this machine, checked without a database or a person (a Prisma 7
   * schema, Prisma's schema engine): run after `validate`, before the terminal-or-`--force` rule,
   * so a missing tool is named before a refusal that `--force` would only get past to hit it.
   * Must not connect to the database. Throw a user error to stop.
   */
  readonly requirements?: (folder: DatabaseFolder) => void | Promise<void>;
  /**
   * Checks run after `-d` resolved and the terminal-or-`--force` rule passed, before asking (e.g. the URL variable is set, a rollback's
   * plan is possible); throw a user error to stop, or return a result to stop with it.
   */
  readonly precheck?: (folder: DatabaseFolder) => void | CommandResult | Promise<void | CommandResult>;
  /** Randomness for the codes. Default `crypto.randomInt`. */
  readonly random?: RandomInt;
}

/**
 * The checks every destructive command passes, in this order: `-d` resolved (`--force` does not
 * replace it) and the command's arguments valid, its local requirements (no database), a terminal or `--force`, the command's own prechecks (which may need the database),
 * the two-code confirmation.
 * Returns the target to work on, or the result to return when it must not run (1 refused, 130 cancelled).
 */
export async function guardDangerous(args: GlobalArgs, options: GuardOptions, context: CliContext): Promise<GuardedTarget | CommandResult> {
  const targets = resolveTargets(args, 'one-required', context, options.action);
  const folder = targets.databases[0]!;
  options.validate?.(folder);
  await options.requirements?.(folder);
  // Before the prechecks: they may connect (a rollback's plan), and a refusal needs no database.
  const refusal = refusalWithoutTerminal({ action: options.action, database: folder.name }, { force: options.force, interactive: context.interactive });
  if (refusal) {
    context.io.err(`kusto-db: ${refusal}`);
    return { exitCode: EXIT_FAILED };
  }
  const stop = await options.precheck?.(folder);
  if (stop) return stop;
  const confirmation = await confirmDangerous(
    { action: options.action, database: folder.name, consequence: options.consequence },
    { force: options.force, interactive: context.interactive, prompt: context.prompt, io: context.io, random: options.random },
  );
  if (confirmation.outcome === 'refused' || confirmation.outcome === 'cancelled') {
    context.io.err(`kusto-db: ${confirmation.message ?? confirmation.outcome}`);
    return { exitCode: confirmation.outcome === 'refused' ? EXIT_FAILED : EXIT_CANCELLED };
  }
  return { targets, folder, outcome: confirmation.outcome };
}

export function isCommandResult(value: GuardedTarget | CommandResult): value is CommandResult {
  return 'exitCode' in value;
}
