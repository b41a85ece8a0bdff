export { runCli } from './cli.js';
export type { CommandResult, KustoCommand } from './command.js';
export type { CliContext, CliIo } from './context.js';
export { readInstalledVersions, type InstalledVersion } from './commands/version.js';
