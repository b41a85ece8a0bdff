import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { CliContext } from './context.js';
import { loadEnvFile, type EnvFileSource } from './env/env-file.js';
import type { GlobalArgs } from './global-options.js';
import { projectDirOf } from './targets/resolve-targets.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
/** What shells report for Ctrl+C; also used when a confirmation is not typed back. */
export const EXIT_CANCELLED = 130;

/** What a command reports; only the entry point turns it into a process exit code. */
export interface CommandResult {
  /** 0 success, 1 failure, 130 cancelled by the user. */
  readonly exitCode: number;
}

/** One `kusto-db` command: its argument spec (which also makes its help) and its work. */
export interface KustoCommand<Args> {
  readonly command: string | readonly string[];
  readonly describe: string;
  builder(yargs: Argv<GlobalArgs>): Argv<Args>;
  run(args: ArgumentsCamelCase<Args>, context: CliContext): Promise<CommandResult> | CommandResult;
}

/** Any command, whatever its arguments (for lists of commands). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKustoCommand = KustoCommand<any>;

/** What a run leaves for the entry point: the command's result and the env file it read. */
export interface RunOutcome {
  result?: CommandResult;
  envFile?: EnvFileSource;
}

/**
 * The context a command runs in: the project's env file (`--env-file` from the current directory,
 * else the project's `.env`) merged under
 * the context's environment, before the command reads any URL.
 */
export function withEnvFile(args: GlobalArgs, context: CliContext): CliContext {
  const { env, source } = loadEnvFile({ projectDir: projectDirOf(args, context), envFile: args.envFile, baseDir: context.cwd, env: context.env });
  return { ...context, env, envFile: source };
}

/** Adapts a {@link KustoCommand} to yargs, storing its result (and the env file read) in `outcome`. */
export function toYargsCommand<Args extends GlobalArgs>(
  definition: KustoCommand<Args>,
  context: CliContext,
  outcome: RunOutcome,
): CommandModule<GlobalArgs, Args> {
  return {
    command: definition.command,
    describe: definition.describe,
    builder: (yargs) => definition.builder(yargs),
    handler: async (args) => {
      const prepared = withEnvFile(args, context);
      outcome.envFile = prepared.envFile;
      outcome.result = await definition.run(args, prepared);
    },
  };
}
