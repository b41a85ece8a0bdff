import { expect, test } from '@jest/globals';
import { detectProfile, resolveProfile } from './profile.js';

test.each([
  [{ AWS_LAMBDA_FUNCTION_NAME: 'api' }, 'serverless', /AWS Lambda/],
  [{ VERCEL: '1' }, 'serverless', /Vercel/],
  [{ FUNCTIONS_WORKER: 'node' }, 'serverless', /Cloud Functions/],
  [{ FUNCTION_TARGET: 'handler' }, 'serverless', /Google Cloud Functions/],
  [{ NODE_ENV: 'production' }, 'serverless', /NODE_ENV=production/],
  [{ NODE_ENV: 'development' }, 'traditional', /no serverless platform/],
  [{}, 'traditional', /no serverless platform/],
])('detectProfile(%j) is %s', (env, profile, reason) => {
  const detected = detectProfile(env);
  expect(detected.profile).toBe(profile);
  expect(detected.reason).toMatch(reason);
});

test('an explicit profile wins over the environment', () => {
  expect(resolveProfile('traditional', { AWS_LAMBDA_FUNCTION_NAME: 'x' })).toEqual({
    profile: 'traditional',
    reason: 'set in options',
  });
  expect(resolveProfile('auto', { VERCEL: '1' }).profile).toBe('serverless');
});
