import type { MigrateType } from '../migrate.js';
import { migrateDev } from './dev.js';
import { migrateDiff } from './diff.js';
import { migrateReset } from './reset.js';
import { migrateResolve } from './resolve.js';

/** The Prisma-backed migrate types; the migration runner adds `deploy` and `status` beside them. */
export const PRISMA_MIGRATE_TYPES: readonly MigrateType[] = [migrateDev, migrateReset, migrateDiff, migrateResolve];
