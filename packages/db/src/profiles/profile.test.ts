import { expect, test } from '@jest/globals';
import { detectProfile, resolveProfile, SERVERLESS_ENV_VARS } from './profile.js';

test.each([
  [{ AWS_LAMBDA_FUNCTION_NAME: 'api' }, 'serverless', /AWS Lambda/],
  [{ VERCEL: '1' }, 'serverless', /Vercel/],
  [{ FUNCTIONS_WORKER: 'node' }, 'serverless', /Cloud Functions/],
  [{ FUNCTION_TARGET: 'handler' }, 'serverless', /Google Cloud Functions/],
  [{ FUNCTIONS_WORKER_RUNTIME: 'node' }, 'serverless', /Azure Functions/],
  [{ NODE_ENV: 'production' }, 'serverless', /NODE_ENV=production/],
  [{ NODE_ENV: 'development' }, 'traditional', /no serverless platform/],
  [{}, 'traditional', /no serverless platform/],
])('the check policy of %j is %s', (env, profile, reason) => {
  const detected = detectProfile(env);
  expect(detected.profile).toBe(profile);
  expect(detected.reason).toMatch(reason);
});

test.each(SERVERLESS_ENV_VARS.map(([variable, platform]) => [variable, platform]))(
  'a function platform (%s) gets the serverless pool, with or without NODE_ENV=production',
  (variable, platform) => {
    for (const env of [{ [variable]: 'x' }, { [variable]: 'x', NODE_ENV: 'production' }]) {
      expect(detectProfile(env).pool).toEqual({ profile: 'serverless', reason: `${platform} (${variable} is set)` });
    }
  },
);

test('NODE_ENV=production alone keeps the long-lived pool, and says why', () => {
  expect(detectProfile({ NODE_ENV: 'production' }).pool).toEqual({
    profile: 'traditional',
    reason: 'NODE_ENV=production, but no function platform variable: a long-lived process',
  });
  expect(detectProfile({}).pool).toEqual({ profile: 'traditional', reason: 'no function platform variable: a long-lived process' });
});

test('an explicit profile sets both decisions; poolProfile sets the pool alone', () => {
  expect(resolveProfile('traditional', { AWS_LAMBDA_FUNCTION_NAME: 'x' })).toEqual({
    profile: 'traditional',
    reason: 'set in options (profile)',
    pool: { profile: 'traditional', reason: 'set in options (profile)' },
  });
  expect(resolveProfile('auto', { VERCEL: '1' })).toMatchObject({ profile: 'serverless', pool: { profile: 'serverless' } });
  expect(resolveProfile('serverless', {}, 'traditional')).toEqual({
    profile: 'serverless',
    reason: 'set in options (profile)',
    pool: { profile: 'traditional', reason: 'set in options (poolProfile)' },
  });
  expect(resolveProfile(undefined, { NODE_ENV: 'production' }, 'serverless').pool).toEqual({
    profile: 'serverless',
    reason: 'set in options (poolProfile)',
  });
});
