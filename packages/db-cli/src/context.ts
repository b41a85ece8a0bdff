import { spawn } from 'node:child_process';
import type { EnvFileSource } from './env/env-file.js';
import type { SpawnFn } from './prisma/spawn.js';
import type { PromptFn } from './safety/prompt.js';
import { defaultPoolerProbe, type PoolerProbe } from './targets/connection-url.js';

/** Where output goes. Injected so tests read what a command printed without patching globals. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /**
   * Resolves when stdout can take more (it drained below its buffer limit): long outputs
   * (`execute --json`) wait on it between batches so a slow reader holds them back. Default:
   * process.stdout's `drain`; optional for injected outputs.
   */
  drain?(): Promise<void>;
}

/** Subscribes to Ctrl+C (SIGINT) and SIGTERM; returns the unsubscribe function. */
export type InterruptSource = (onInterrupt: (signal: NodeJS.Signals) => void) => () => void;

/** The world a command runs in. Every field has a real default in {@link resolveContext}. */
export interface CliContext {
  /** Project directory that relative paths start from. Default `process.cwd()`. */
  readonly cwd: string;
  /**
   * Environment the database URLs are read from and Prisma runs with. Default `process.env`; a
   * command sees it with the project's env file merged under it (see {@link envFile}).
   */
  readonly env: NodeJS.ProcessEnv;
  /** The env file merged into `env` before the command ran; undefined before that. */
  readonly envFile?: EnvFileSource | undefined;
  readonly io: CliIo;
  /** Whether a person can answer prompts. Default: stdin and stdout are TTYs. */
  readonly interactive: boolean;
  /** Whether output is coloured. Default: stdout is a TTY and `NO_COLOR` is unset. */
  readonly colors: boolean;
  /** Asks a question on the terminal. Default: {@link terminalPrompt} (Node's readline). */
  readonly prompt: PromptFn;
  /** Starts a child process (never through a shell). Default `node:child_process` `spawn`. */
  readonly spawn: SpawnFn;
  /** Ctrl+C / SIGTERM subscription. Default {@link createProcessInterrupts}. */
  readonly onInterrupt: InterruptSource;
  /** Milliseconds for timings. Default `performance.now`. */
  readonly now: () => number;
  /** Waits `ms`, resolving early when `signal` aborts. Default: `setTimeout` from `node:timers/promises`. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /**
   * Asks whether a URL goes through a transaction pooler, before a command that needs one server
   * session runs on a URL without `pgbouncer=true`. Default: the bounded `pg_backend_pid()` probe
   * of `@kusto/migrate` (`probeTransactionPooler`).
   */
  readonly poolerProbe: PoolerProbe;
}

/** How often {@link createProcessInterrupts} checks that the parent process is still there. */
export const PARENT_POLL_INTERVAL_MS = 500;

/** Whether `error` says the reader of a pipe went away (`kusto-db list | head -1`). */
export function isClosedPipe(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

/**
 * Ctrl+C / SIGTERM from the real process, and the parent going away: `npx kusto-db …` and
 * `npm run …` start kusto-db as a child of a wrapper; when the wrapper is killed the child is
 * re-parented (its `process.ppid` changes) and nobody is left to press Ctrl+C, so that counts as
 * an interrupt too (reported as `SIGHUP`); so does the reader of stdout going away (`| head`,
 * reported as `SIGPIPE`, which is what would stop any other command-line tool). One set of process
 * listeners and one unref'ed poll timer are installed while anyone is subscribed (however many
 * Prisma runs are in flight) and removed with the last subscriber, so the default Node behaviour
 * comes back when nothing is running.
 */
export function createProcessInterrupts(pollMs: number = PARENT_POLL_INTERVAL_MS): InterruptSource {
  const listeners = new Set<(signal: NodeJS.Signals) => void>();
  const dispatch = (signal: NodeJS.Signals) => {
    for (const listener of [...listeners]) listener(signal);
  };
  const onStdoutError = (error: Error) => {
    if (isClosedPipe(error)) dispatch('SIGPIPE');
  };
  let poll: NodeJS.Timeout | undefined;
  return (onInterrupt) => {
    const listener = (signal: NodeJS.Signals) => onInterrupt(signal);
    if (listeners.size === 0) {
      process.on('SIGINT', dispatch);
      process.on('SIGTERM', dispatch);
      process.stdout.on('error', onStdoutError);
      const parent = process.ppid;
      poll = setInterval(() => {
        if (process.ppid !== parent) dispatch('SIGHUP');
      }, pollMs).unref();
    }
    listeners.add(listener);
    return () => {
      if (!listeners.delete(listener) || listeners.size > 0) return;
      process.off('SIGINT', dispatch);
      process.off('SIGTERM', dispatch);
      process.stdout.off('error', onStdoutError);
      clearInterval(poll);
      poll = undefined;
    };
  };
}

async function realSleep(ms: number, signal: AbortSignal): Promise<void> {
  const { setTimeout } = await import('node:timers/promises');
  await setTimeout(ms, undefined, { signal }).catch(() => undefined);
}

function colorsByDefault(env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(process.stdout.isTTY) && env.TERM !== 'dumb';
}

const lazyPrompt: PromptFn = async (question) => (await import('./safety/prompt.js')).terminalPrompt(question);


export function resolveContext(partial: Partial<CliContext> = {}): CliContext {
  const env = partial.env ?? process.env;
  return {
    cwd: partial.cwd ?? process.cwd(),
    env,
    io: partial.io ?? {
      // Once the reader of stdout is gone (`| head`), the rest of the output has nowhere to go.
      out: (line) => void (process.stdout.writable && process.stdout.write(`${line}\n`)),
      err: (line) => process.stderr.write(`${line}\n`),
      drain: () => (process.stdout.writableNeedDrain ? new Promise((resolve) => process.stdout.once('drain', () => resolve())) : Promise.resolve()),
    },
    interactive: partial.interactive ?? Boolean(process.stdin.isTTY && process.stdout.isTTY),
    colors: partial.colors ?? (partial.io ? false : colorsByDefault(env)),
    prompt: partial.prompt ?? lazyPrompt,
    spawn: partial.spawn ?? ((command, args, options) => spawn(command, [...args], options)),
    onInterrupt: partial.onInterrupt ?? createProcessInterrupts(),
    now: partial.now ?? (() => performance.now()),
    sleep: partial.sleep ?? realSleep,
    poolerProbe: partial.poolerProbe ?? defaultPoolerProbe,
  };
}
