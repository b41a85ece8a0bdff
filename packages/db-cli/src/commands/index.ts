import type { AnyKustoCommand } from '../command.js';
import type { MigrateType } from './migrate.js';
import { PRISMA_MIGRATE_TYPES } from './migrate/index.js';
import { debugCommand } from './debug.js';
import { generateCommand } from './generate.js';
import { initCommand } from './init.js';
import { listCommand } from './list.js';
import { pullCommand } from './pull.js';
import { pushCommand } from './push.js';
import { studioCommand } from './studio.js';
import { upgradeSchemaCommand } from './upgrade-schema.js';
import { validateCommand } from './validate.js';
import { versionCommand } from './version.js';

/** What `kusto-db` offers: top-level commands (besides `migrate`) and the `migrate -t` types. */
export interface CommandRegistry {
  readonly commands: readonly AnyKustoCommand[];
  readonly migrateTypes: readonly MigrateType[];
}

/** The commands of this package. The migration runner adds its own to copies of these lists. */
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
  ],
  migrateTypes: PRISMA_MIGRATE_TYPES,
};
