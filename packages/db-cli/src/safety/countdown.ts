import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';

/** Seconds `deploy` waits before it touches a database. */
export const DEFAULT_COUNTDOWN_SECONDS = 10;

/**
 * The wait for `--wait <seconds>` (as typed, or a number): longer than the default is always
 * allowed, shorter only with `--force`. Default {@link DEFAULT_COUNTDOWN_SECONDS}.
 */
export function resolveWaitSeconds(wait: number | string | undefined, force: boolean): number {
  const seconds = wait === undefined ? DEFAULT_COUNTDOWN_SECONDS : typeof wait === 'number' ? wait : wait.trim() === '' ? Number.NaN : Number(wait);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new CliError('USAGE', `--wait must be a number of seconds (0 or more), not ${typeof wait === 'string' ? JSON.stringify(wait) : String(wait)}.`);
  }
  if (seconds < DEFAULT_COUNTDOWN_SECONDS && !force) {
    throw new CliError(
      'WAIT_TOO_SHORT',
      `--wait ${seconds} is shorter than the default ${DEFAULT_COUNTDOWN_SECONDS} s; add --force to shorten the countdown.`,
    );
  }
  return seconds;
}

export interface CountdownOptions {
  readonly seconds: number;
  /** What starts when it reaches zero, e.g. `deploy to "user"`. */
  readonly label: string;
}

/**
 * Counts down one line per second, then resolves `elapsed`; Ctrl+C (or SIGTERM, or the parent
 * process going away: see `createProcessInterrupts`) resolves `aborted` at once. Every timer is cleared on both paths.
 */
export async function countdown(options: CountdownOptions, context: Pick<CliContext, 'io' | 'sleep' | 'onInterrupt'>): Promise<'elapsed' | 'aborted'> {
  const controller = new AbortController();
  let cause: NodeJS.Signals | undefined;
  const unsubscribe = context.onInterrupt((signal) => {
    cause ??= signal;
    controller.abort();
  });
  try {
    context.io.err(`${options.label} starts in ${options.seconds} s. Press Ctrl+C to abort.`);
    for (let left = options.seconds; left > 0; left--) {
      if (controller.signal.aborted) break;
      context.io.err(`  ${left}…`);
      await context.sleep(1000, controller.signal);
    }
    if (controller.signal.aborted) {
      // SIGHUP: the terminal closed, or the wrapper that started us (npx, npm run) went away.
      context.io.err(cause === 'SIGHUP' ? 'Aborted (the terminal or the process that started kusto-db went away): nothing was changed.' : 'Aborted: nothing was changed.');
      return 'aborted';
    }
    return 'elapsed';
  } finally {
    unsubscribe();
    controller.abort();
  }
}
