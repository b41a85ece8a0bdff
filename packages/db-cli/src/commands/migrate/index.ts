import type { MigrateType } from '../migrate.js';
import { migrateDeploy } from './deploy.js';
import { migrateDev } from './dev.js';
import { migrateDiff } from './diff.js';
import { migrateReset } from './reset.js';
import { migrateResolve } from './resolve.js';
import { migrateStatus } from './status.js';

/** The Prisma-backed migrate types. */
export const PRISMA_MIGRATE_TYPES: readonly MigrateType[] = [migrateDev, migrateReset, migrateDiff];

/** The migrate types of the native migration runner (no Prisma engine needed). */
export const RUNNER_MIGRATE_TYPES: readonly MigrateType[] = [migrateDeploy, migrateStatus, migrateResolve];
