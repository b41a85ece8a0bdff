/** How the runtime is tuned: a long-lived server, or short-lived, frozen-between-calls functions. */
export type ProfileName = 'serverless' | 'traditional';
export type ProfileOption = ProfileName | 'auto';

/** One decision and why it was taken. */
export interface ProfileDecision {
  readonly profile: ProfileName;
  /** The variable or option that decided it, or that nothing did. */
  readonly reason: string;
}

/**
 * The two decisions a profile makes. `profile`/`reason` are the *check policy* (check interval,
 * retries, `continueOnFailure`), which follows the documented rule; `pool` is the *pool* (size,
 * idle timeout, `allowExitOnIdle`), which follows where the process really runs.
 */
export interface DetectedProfile extends ProfileDecision {
  readonly pool: ProfileDecision;
}

/**
 * Variables that function platforms set in every function's environment. `FUNCTIONS_WORKER` is the
 * documented rule; `FUNCTION_TARGET` (Google Cloud Functions) and `FUNCTIONS_WORKER_RUNTIME` (Azure
 * Functions) are what those platforms actually set.
 */
export const SERVERLESS_ENV_VARS = [
  ['AWS_LAMBDA_FUNCTION_NAME', 'AWS Lambda'],
  ['VERCEL', 'Vercel'],
  ['FUNCTIONS_WORKER', 'Cloud Functions'],
  ['FUNCTION_TARGET', 'Google Cloud Functions'],
  ['FUNCTIONS_WORKER_RUNTIME', 'Azure Functions'],
] as const;

/** The function platform the process runs on, from the platform's own variables. */
function functionPlatform(env: NodeJS.ProcessEnv): ProfileDecision | undefined {
  for (const [variable, platform] of SERVERLESS_ENV_VARS) {
    if (env[variable]) return { profile: 'serverless', reason: `${platform} (${variable} is set)` };
  }
  return undefined;
}

/**
 * The pool follows where the process runs: a function platform gets the small pool that lets a
 * frozen function exit; anything else is a long-lived process and keeps a long-lived pool, whatever
 * `NODE_ENV` says (a small pool measured 0.22× the throughput of a production Express server).
 */
function detectPoolProfile(env: NodeJS.ProcessEnv): ProfileDecision {
  const platform = functionPlatform(env);
  if (platform) return platform;
  const why = env.NODE_ENV === 'production' ? 'NODE_ENV=production, but no function platform variable' : 'no function platform variable';
  return { profile: 'traditional', reason: `${why}: a long-lived process` };
}

/**
 * Check policy: serverless when a function platform variable is set, or when `NODE_ENV` is
 * `production` (the documented rule: production gets the cautious checks); else traditional.
 * Pool: serverless only on a function platform.
 */
export function detectProfile(env: NodeJS.ProcessEnv): DetectedProfile {
  const pool = detectPoolProfile(env);
  const platform = functionPlatform(env);
  if (platform) return { ...platform, pool };
  if (env.NODE_ENV === 'production') return { profile: 'serverless', reason: 'NODE_ENV=production', pool };
  return { profile: 'traditional', reason: 'no serverless platform variable and NODE_ENV is not production', pool };
}

/**
 * `profile` sets both decisions; `poolProfile` sets the pool's alone. `auto` (the default of both)
 * detects: a set `profile` decides the pool too unless `poolProfile` is set.
 */
export function resolveProfile(
  option: ProfileOption | undefined,
  env: NodeJS.ProcessEnv,
  poolOption: ProfileOption | undefined = 'auto',
): DetectedProfile {
  const detected = option === undefined || option === 'auto' ? detectProfile(env) : undefined;
  const checks: ProfileDecision = detected ?? { profile: option as ProfileName, reason: 'set in options (profile)' };
  let pool: ProfileDecision;
  if (poolOption !== 'auto') pool = { profile: poolOption, reason: 'set in options (poolProfile)' };
  else pool = detected?.pool ?? { profile: checks.profile, reason: 'set in options (profile)' };
  return { profile: checks.profile, reason: checks.reason, pool };
}
