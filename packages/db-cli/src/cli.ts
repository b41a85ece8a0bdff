import yargs from 'yargs';
import { toYargsCommand, EXIT_FAILED, type RunOutcome } from './command.js';
import { createMigrateCommand } from './commands/migrate.js';
import { BUILTIN_COMMANDS, type CommandRegistry } from './commands/index.js';
import { resolveContext, type CliContext } from './context.js';
import { missingVariableHint } from './env/env-file.js';
import { isUserError } from './errors.js';
import { withGlobalOptions } from './global-options.js';

/** For a message about unset URL variables: a line saying which env file was (or was not) read. */
function missingVariableNote(message: string, outcome: RunOutcome): string {
  const variables = [...message.matchAll(/set the environment variable ([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!);
  if (variables.length === 0 || !outcome.envFile) return '';
  return `\n${missingVariableHint(outcome.envFile, [...new Set(variables)])}`;
}

/**
 * Runs `kusto-db` with `argv` (without the node and script paths) and returns the exit code.
 * Never calls `process.exit`: the bin does, so tests can run the CLI in-process. Mistakes the
 * user can fix are printed as one line and return 1; anything else is a bug and is thrown.
 *
 * @param registry The commands offered. Default {@link BUILTIN_COMMANDS}.
 */
export async function runCli(
  argv: readonly string[],
  partialContext: Partial<CliContext> = {},
  registry: CommandRegistry = BUILTIN_COMMANDS,
): Promise<number> {
  const context = resolveContext(partialContext);
  const outcome: RunOutcome = {};
  let parser = withGlobalOptions(yargs([...argv]))
    .scriptName('kusto-db')
    .usage('$0 <command> [-d <database> | -a] [options]')
    .command(toYargsCommand(createMigrateCommand(registry.migrateTypes), context, outcome));
  for (const command of registry.commands) parser = parser.command(toYargsCommand(command, context, outcome));
  parser = parser
    .demandCommand(1, 'Name a command (kusto-db --help lists them).')
    .strict()
    .help()
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(120, process.stdout.columns ?? 100))
    .exitProcess(false);

  let usageError: string | undefined;
  let helpText = '';
  try {
    await parser.parseAsync([...argv], {}, (error: Error | undefined, _argv: unknown, output: string) => {
      if (error && !isUserError(error)) usageError = error.message;
      helpText = output;
    });
  } catch (error) {
    if (!isUserError(error)) throw error;
    context.io.err(`kusto-db: ${error.message}${missingVariableNote(error.message, outcome)}`);
    return EXIT_FAILED;
  }
  if (usageError !== undefined) {
    context.io.err(`kusto-db: ${usageError} (kusto-db --help lists commands and options)`);
    return EXIT_FAILED;
  }
  if (helpText) context.io.out(helpText);
  return outcome.result?.exitCode ?? 0;
}
