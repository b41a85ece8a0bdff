export { runCli } from './cli.js';
export { EXIT_CANCELLED, EXIT_FAILED, EXIT_OK, toYargsCommand, type AnyKustoCommand, type CommandResult, type KustoCommand } from './command.js';
export { BUILTIN_COMMANDS, type CommandRegistry } from './commands/index.js';
export { createMigrateCommand, type MigrateArgs, type MigrateType } from './commands/migrate.js';
export { PRISMA_MIGRATE_TYPES, RUNNER_MIGRATE_TYPES } from './commands/migrate/index.js';
export { readInstalledVersions, type InstalledVersion } from './commands/version.js';
export { createProcessInterrupts, resolveContext, type CliContext, type CliIo, type InterruptSource } from './context.js';
export { CliError, isUserError, type CliErrorCode } from './errors.js';
export { withGlobalOptions, type GlobalArgs } from './global-options.js';
export { palette, type Palette } from './output/colors.js';
export { formatDuration, renderTable } from './output/table.js';
export { preparePrismaConfig, renderSynthesizedConfig, SYNTHESIZED_CONFIG_FILE, type PreparedConfig } from './prisma/prisma-config.js';
export { resolvePrismaBin, type PrismaBin } from './prisma/resolve-prisma.js';
export { runPrisma, type PrismaResult, type PrismaRun } from './prisma/run-prisma.js';
export type { SpawnFn } from './prisma/spawn.js';
export * from './safety/index.js';
export {
  chooseConnectionUrl,
  connectionReport,
  defaultPoolerProbe,
  describeVia,
  prismaUrlVars,
  requireConnection,
  verifySessions,
  type ConnectionChoice,
  type ConnectionNeed,
  type ConnectionUrl,
  type PoolerProbe,
  type PrismaUrlVars,
} from './targets/connection-url.js';
export { requireUrl, urlEnvVarOf, urlStateOf, type DatabaseUrlState } from './targets/database-url.js';
export {
  forEachDatabase,
  summarize,
  type DatabaseOutcome,
  type DatabaseResultKind,
  type DatabaseWork,
  type ForEachOptions,
} from './targets/for-each-database.js';
export { projectDirOf, resolveTargets, type TargetPolicy, type Targets } from './targets/resolve-targets.js';

