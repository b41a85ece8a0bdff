import type { CliIo } from '../context.js';
import { createConfirmationCode, type RandomInt } from './confirmation-code.js';
import type { PromptFn } from './prompt.js';

/** How many codes must be typed back. */
export const CONFIRMATION_ROUNDS = 2;

/** `confirmed`: both codes typed back; `forced`: `--force` skipped the prompt; `cancelled`: a wrong or no answer; `refused`: no terminal and no `--force`. */
export type ConfirmationOutcome = 'confirmed' | 'forced' | 'cancelled' | 'refused';

/** What is about to happen, for the warning and the prompts. */
export interface DangerousAction {
  /** The command as typed, e.g. `migrate -t reset`. */
  readonly action: string;
  readonly database: string;
  /** What the user loses, e.g. `drops every table and all data`. */
  readonly consequence: string;
}

export interface ConfirmOptions {
  /** Skip the prompts (needed without a terminal). Default false. It never replaces `-d`: resolve the target first. */
  readonly force?: boolean;
  /** Whether a person can answer. */
  readonly interactive: boolean;
  readonly prompt: PromptFn;
  readonly io: CliIo;
  /** Randomness for the codes. Default `crypto.randomInt`. */
  readonly random?: RandomInt;
  /** Codes to type back. Default {@link CONFIRMATION_ROUNDS}. */
  readonly rounds?: number;
}

export interface ConfirmationResult {
  readonly outcome: ConfirmationOutcome;
  /** Why it did not proceed (for `cancelled` and `refused`). */
  readonly message?: string;
}

/** Why `action` may not run here: no terminal to confirm it and no `force`; `undefined` when it may ask or go on. */
export function refusalWithoutTerminal(
  action: Pick<DangerousAction, 'action' | 'database'>,
  options: Pick<ConfirmOptions, 'force' | 'interactive'>,
): string | undefined {
  if (options.force || options.interactive) return undefined;
  return `Refusing to run kusto-db ${action.action} -d ${action.database} without a terminal to confirm it. Run it in a terminal, or add --force if you are sure.`;
}

/** What the prompt says under a code typed back wrong; the prompt stays open for another try. */
export function wrongCodeMessage(code: string): string {
  return `That is not ${code}: type ${code} exactly as shown, or press Ctrl+C to cancel.`;
}

/**
 * Asks the person to type back a fresh random code, {@link CONFIRMATION_ROUNDS} times. A wrong
 * code is refused in place by the prompt's `validate` (the person may type it again or press
 * Ctrl+C); Ctrl+C, or an answer that is still not the code (a prompt without `validate`), cancels
 * at once. Without a terminal it refuses unless `force` is set.
 */
export async function confirmDangerous(action: DangerousAction, options: ConfirmOptions): Promise<ConfirmationResult> {
  const { io } = options;
  io.err(`⚠️  kusto-db ${action.action} on database "${action.database}" ${action.consequence}.`);
  if (options.force) {
    io.err('--force given: not asking for confirmation.');
    return { outcome: 'forced' };
  }
  const refusal = refusalWithoutTerminal(action, options);
  if (refusal) return { outcome: 'refused', message: refusal };
  const rounds = options.rounds ?? CONFIRMATION_ROUNDS;
  for (let round = 1; round <= rounds; round++) {
    const code = createConfirmationCode(options.random);
    const answer = await options.prompt({
      message: `(${round}/${rounds}) Type ${code} to ${action.action} database "${action.database}"`,
      validate: (typed) => typed === code || wrongCodeMessage(code),
    });
    if (answer !== code) {
      return {
        outcome: 'cancelled',
        message: answer === undefined ? 'Cancelled: nothing was changed.' : `Cancelled: "${answer}" is not ${code}. Nothing was changed.`,
      };
    }
  }
  return { outcome: 'confirmed' };
}
