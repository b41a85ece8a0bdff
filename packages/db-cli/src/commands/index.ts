import type { AnyKustoCommand } from '../command.js';
import type { MigrateType } from './migrate.js';
import { PRISMA_MIGRATE_TYPES, RUNNER_MIGRATE_TYPES } from './migrate/index.js';
import { debugCommand } from './debug.js';
import { executeCommand } from './execute.js';
import { generateCommand } from './generate.js';
import { initCommand } from './init.js';
import { listCommand } from './list.js';
import { pullCommand } from './pull.js';
import { pushCommand } from './push.js';
import { rollbackCommand } from './rollback.js';
import { seedCommand } from './seed.js';
import { statusCommand } from './status.js';
import { studioCommand } from './studio.js';
import { upgradeSchemaCommand } from './upgrade-schema.js';
import { validateCommand } from './validate.js';
import { versionCommand } from './version.js';

/** What `kusto-db` offers: top-level commands (besides `migrate`) and the `migrate -t` types. */
export interface CommandRegistry {
  readonly commands: readonly AnyKustoCommand[];
  readonly migrateTypes: readonly MigrateType[];
}

/** The commands of this package: the Prisma-backed ones and those of the native migration runner. */
export const BUILTIN_COMMANDS: CommandRegistry = {
  commands: [
    listCommand,
    generateCommand,
    validateCommand,
    studioCommand,
    pullCommand,
    pushCommand,
    debugCommand,
    versionCommand,
    initCommand,
    upgradeSchemaCommand,
    statusCommand,
    rollbackCommand,
    seedCommand,
    executeCommand,
  ],
  migrateTypes: [...PRISMA_MIGRATE_TYPES, ...RUNNER_MIGRATE_TYPES],
};
