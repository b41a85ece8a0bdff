import { createRequire } from 'node:module';
import yargs from 'yargs';
import { toYargsCommand, EXIT_FAILED, type RunOutcome } from './command.js';
import { createMigrateCommand } from './commands/migrate.js';
import { BUILTIN_COMMANDS, commandNameOf, isLazyCommand, type CommandRegistry } from './commands/index.js';
import type { AnyKustoCommand } from './command.js';
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

/** Global options that take a value: the token after them is not a command name. */
const VALUE_OPTIONS = new Set(['-d', '--database', '--root', '--cwd', '--env-file']);

/** The command `argv` names (its first word that is a known command), or undefined (help, none, unknown). */
export function requestedCommand(argv: readonly string[], names: ReadonlySet<string>): string | undefined {
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index]!;
    if (token === '--') return undefined;
    if (VALUE_OPTIONS.has(token)) {
      index++;
      continue;
    }
    if (token.startsWith('-')) continue;
    return names.has(token) ? token : undefined;
  }
  return undefined;
}

/** This package's version, from its own `package.json` (the same file from `src/` and `dist/`). */
export function ownVersion(): string {
  return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
}

/** Whether `argv` asks for `--version` / `-v` (before `--`). */
function wantsVersion(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((token) => token === '--version' || token === '-v');
}

/** Whether `argv` asks for help (before `--`), when the help text is shown wrapped to the terminal. */
function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((token) => token === '--help' || token === '-h');
}

/** The commands to register for `argv`: only the one it names, or all of them when it names none. */
async function commandsFor(argv: readonly string[], registry: CommandRegistry) {
  const names = new Set(['migrate', ...registry.commands.map(commandNameOf)]);
  const requested = requestedCommand(argv, names);
  // `kusto-db --version` needs no command at all.
  if (requested === undefined && wantsVersion(argv) && !wantsHelp(argv)) return { commands: [], migrateTypes: undefined };
  const wanted = registry.commands.filter((command) => requested === undefined || commandNameOf(command) === requested);
  // One after another: concurrent imports gain nothing here (one thread), and Jest's ESM loader trips on them.
  const commands: AnyKustoCommand[] = [];
  for (const command of wanted) commands.push(isLazyCommand(command) ? await command.load() : command);
  const migrateTypes =
    requested !== undefined && requested !== 'migrate'
      ? undefined
      : typeof registry.migrateTypes === 'function'
        ? await registry.migrateTypes()
        : registry.migrateTypes;
  return { commands, migrateTypes };
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
  const { commands, migrateTypes } = await commandsFor(argv, registry);
  let parser = withGlobalOptions(yargs([...argv]))
    .scriptName('kusto-db')
    .usage('$0 <command> [-d <database> | -a] [options]');
  if (migrateTypes) parser = parser.command(toYargsCommand(createMigrateCommand(migrateTypes), context, outcome));
  for (const command of commands) parser = parser.command(toYargsCommand(command, context, outcome));
  parser = parser
    .demandCommand(1, 'Name a command (kusto-db --help lists them).')
    .strict()
    .help()
    .alias('help', 'h')
    .version('version', "Show kusto-db's version", ownVersion())
    .alias('version', 'v')
    // yargs renders a command's help before running it (in case the handler shows it); wrapping
    // that text to the terminal costs ~25 ms of a run, so it is done only when help is asked for.
    .wrap(wantsHelp(argv) ? Math.min(120, process.stdout.columns ?? 100) : null)
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
