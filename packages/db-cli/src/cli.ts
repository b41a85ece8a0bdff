import yargs from 'yargs';
import type { CommandResult } from './command.js';
import { toYargsCommand } from './command.js';
import { versionCommand } from './commands/version.js';
import { resolveContext, type CliContext } from './context.js';

/**
 * Runs `kusto-db` with `argv` (without the node and script paths) and returns the exit code.
 * Never calls `process.exit`: the bin does, so tests can run the CLI in-process.
 */
export async function runCli(argv: readonly string[], partialContext: Partial<CliContext> = {}): Promise<number> {
  const context = resolveContext(partialContext);
  const outcome: { result?: CommandResult } = {};
  let usageError: string | undefined;
  const parser = yargs([...argv])
    .scriptName('kusto-db')
    .command(toYargsCommand(versionCommand, context, outcome))
    .demandCommand(1, 'Name a command (kusto-db --help lists them).')
    .strict()
    .help()
    .version(false)
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      usageError = message;
    });
  await parser.parseAsync();
  if (usageError !== undefined) {
    context.io.err(`kusto-db: ${usageError}`);
    return 1;
  }
  return outcome.result?.exitCode ?? 0;
}
