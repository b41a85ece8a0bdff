// The commands of this package, each loaded only when it runs: `kusto-db list` must not pay for
// the migration runner, Prisma's config handling or any other command's imports. `--help` (or a
// command name kusto-db does not know) loads them all.
import type { AnyKustoCommand } from '../command.js';
import type { MigrateType } from './migrate.js';

/** A command known by name, its module imported on first use. */
export interface LazyCommand {
  /** The command's name, as typed (the first word of its yargs `command`). */
  readonly name: string;
  load(): Promise<AnyKustoCommand>;
}

/** What `kusto-db` offers: top-level commands (besides `migrate`) and the `migrate -t` types. */
export interface CommandRegistry {
  readonly commands: readonly (AnyKustoCommand | LazyCommand)[];
  /** The `migrate -t` types, or a loader for them (called only when `migrate` runs or help is shown). */
  readonly migrateTypes: readonly MigrateType[] | (() => Promise<readonly MigrateType[]>);
}

export function isLazyCommand(command: AnyKustoCommand | LazyCommand): command is LazyCommand {
  return 'load' in command;
}

/** The name a command is typed as. */
export function commandNameOf(command: AnyKustoCommand | LazyCommand): string {
  if (isLazyCommand(command)) return command.name;
  const spec = typeof command.command === 'string' ? command.command : command.command[0]!;
  return spec.split(' ')[0]!;
}

/** The commands of this package: the Prisma-backed ones and those of the native migration runner. */
export const BUILTIN_COMMANDS: CommandRegistry = {
  commands: [
    { name: 'list', load: async () => (await import('./list.js')).listCommand },
    { name: 'generate', load: async () => (await import('./generate.js')).generateCommand },
    { name: 'validate', load: async () => (await import('./validate.js')).validateCommand },
    { name: 'studio', load: async () => (await import('./studio.js')).studioCommand },
    { name: 'pull', load: async () => (await import('./pull.js')).pullCommand },
    { name: 'push', load: async () => (await import('./push.js')).pushCommand },
    { name: 'debug', load: async () => (await import('./debug.js')).debugCommand },
    { name: 'version', load: async () => (await import('./version.js')).versionCommand },
    { name: 'init', load: async () => (await import('./init.js')).initCommand },
    { name: 'upgrade-schema', load: async () => (await import('./upgrade-schema.js')).upgradeSchemaCommand },
    { name: 'status', load: async () => (await import('./status.js')).statusCommand },
    { name: 'rollback', load: async () => (await import('./rollback.js')).rollbackCommand },
    { name: 'seed', load: async () => (await import('./seed.js')).seedCommand },
    { name: 'execute', load: async () => (await import('./execute.js')).executeCommand },
  ],
  migrateTypes: async () => {
    const { PRISMA_MIGRATE_TYPES, RUNNER_MIGRATE_TYPES } = await import('./migrate/index.js');
    return [...PRISMA_MIGRATE_TYPES, ...RUNNER_MIGRATE_TYPES];
  },
};
