import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
import { PROFILE_DEFAULTS } from '../defaults.js';
import { createKustoDb } from '../manager.js';
import { fixtureProject, schemaFor, USER_MODELS } from '../test-support/fixture-project.js';

let project: string;
let database: TestDatabase;

beforeAll(async () => {
  [project, database] = await Promise.all([fixtureProject({ user: schemaFor('postgresql', USER_MODELS) }), createTestDatabase('pool_profile')]);
});

afterAll(async () => {
  await database?.drop();
});

/** Opens as many connections as the pool allows (30 concurrent sleeps) and reports the pool then. */
async function poolUnderLoad(env: NodeJS.ProcessEnv) {
  const db = createKustoDb({ cwd: project, env: { ...env, RDS_USER_URL: database.url } });
  try {
    const client = await db.getClient('user');
    let peak = 0;
    const sample = setInterval(() => (peak = Math.max(peak, db.statusOf('user').pool?.total ?? 0)), 2);
    try {
      await Promise.all(Array.from({ length: 30 }, () => client.$queryRawUnsafe('SELECT pg_sleep(0.05)::text')));
    } finally {
      clearInterval(sample);
    }
    return { peak, status: db.statusOf('user') };
  } finally {
    await db.disconnectAll();
  }
}

describe('the pool follows where the process runs, the checks follow the documented rule', () => {
  test('NODE_ENV=production alone: cautious checks, the long-lived pool', async () => {
    const { peak, status } = await poolUnderLoad({ NODE_ENV: 'production' });
    expect(peak).toBe(PROFILE_DEFAULTS.traditional.pool.max);
    expect(status.profile.checks).toEqual({ profile: 'serverless', reason: 'NODE_ENV=production' });
    expect(status.profile.pool).toEqual({ profile: 'traditional', reason: 'NODE_ENV=production, but no function platform variable: a long-lived process' });
  });

  test.each([
    ['AWS_LAMBDA_FUNCTION_NAME', 'api'],
    ['VERCEL', '1'],
  ])('on a function platform (%s) the pool holds at most its small size', async (variable, value) => {
    const { peak, status } = await poolUnderLoad({ NODE_ENV: 'production', [variable]: value });
    expect(peak).toBe(PROFILE_DEFAULTS.serverless.pool.max);
    expect(status.profile.pool.profile).toBe('serverless');
    expect(status.profile.pool.reason).toContain(variable);
  });

  test('poolProfile overrides the pool alone', async () => {
    const db = createKustoDb({ cwd: project, env: { AWS_LAMBDA_FUNCTION_NAME: 'api' }, poolProfile: 'traditional' });
    expect(db.profile).toMatchObject({ profile: 'serverless', pool: { profile: 'traditional', reason: 'set in options (poolProfile)' } });
    await db.disconnectAll();
  });
});
