import type { HealthOptions, ProfileDefaults } from './options.js';
import type { ProfileName } from './profiles/profile.js';

/** Defaults shared by both profiles. Documented next to each option in `options.ts`. */
export const HEALTH_DEFAULTS = {
  checkTimeoutMs: 2_000,
  retryDelayMs: 100,
  maxRetryDelayMs: 2_000,
  cooldownMs: 750,
  maxCooldownMs: 750,
  fastRecoveryWindowMs: 10_000,
} as const satisfies HealthOptions;

const COMMON_POOL = {
  min: 0,
  connectionTimeoutMillis: 5_000,
  keepAlive: true,
  maxLifetimeSeconds: 0,
  queryTimeoutMillis: 10_000,
} as const;

/** What each profile picks. */
export const PROFILE_DEFAULTS: Readonly<Record<ProfileName, ProfileDefaults>> = {
  traditional: {
    checkIntervalMs: 60_000,
    continueOnFailure: true,
    maxRetries: 3,
    pool: { ...COMMON_POOL, max: 10, idleTimeoutMillis: 30_000, allowExitOnIdle: false },
  },
  serverless: {
    checkIntervalMs: 15_000,
    continueOnFailure: false,
    maxRetries: 1,
    pool: { ...COMMON_POOL, max: 2, idleTimeoutMillis: 5_000, allowExitOnIdle: true },
  },
};
