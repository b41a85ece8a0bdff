/** How the runtime is tuned: a long-lived server, or short-lived, frozen-between-calls functions. */
export type ProfileName = 'serverless' | 'traditional';
export type ProfileOption = ProfileName | 'auto';

export interface DetectedProfile {
  readonly profile: ProfileName;
  /** Why: the variable that decided it, or that nothing did. */
  readonly reason: string;
}

/**
 * Variables whose presence means serverless. `FUNCTIONS_WORKER` is the documented rule;
 * `FUNCTION_TARGET` (Google Cloud Functions) and `FUNCTIONS_WORKER_RUNTIME` (Azure Functions) are
 * what those platforms actually set.
 */
export const SERVERLESS_ENV_VARS = [
  ['AWS_LAMBDA_FUNCTION_NAME', 'AWS Lambda'],
  ['VERCEL', 'Vercel'],
  ['FUNCTIONS_WORKER', 'Cloud Functions'],
  ['FUNCTION_TARGET', 'Google Cloud Functions'],
  ['FUNCTIONS_WORKER_RUNTIME', 'Azure Functions'],
] as const;

/**
 * Serverless when a platform variable is set, or when `NODE_ENV` is `production` (the documented
 * rule: production deployments get the cautious settings unless told otherwise); else traditional.
 */
export function detectProfile(env: NodeJS.ProcessEnv): DetectedProfile {
  for (const [variable, platform] of SERVERLESS_ENV_VARS) {
    if (env[variable]) return { profile: 'serverless', reason: `${platform} (${variable} is set)` };
  }
  if (env.NODE_ENV === 'production') return { profile: 'serverless', reason: 'NODE_ENV=production' };
  return { profile: 'traditional', reason: 'no serverless platform variable and NODE_ENV is not production' };
}

export function resolveProfile(option: ProfileOption | undefined, env: NodeJS.ProcessEnv): DetectedProfile {
  if (option === undefined || option === 'auto') return detectProfile(env);
  return { profile: option, reason: 'set in options' };
}
