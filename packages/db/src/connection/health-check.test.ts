import { expect, test } from '@jest/globals';
import { classifyError } from './classify-error.js';
import { boundedCheck, HEALTH_CHECK_BOUND_MARGIN_MS, healthCheckBound, initialiseClient, runHealthCheck } from './health-check.js';
import type { PrismaClientLike } from './prisma-client.js';

const never = () => new Promise<never>(() => {});

async function rejectionOf(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

test('a $connect() that times out says so, not "no answer to SELECT 1"', async () => {
  const error = await rejectionOf(initialiseClient({ $connect: never }, 5));
  expect(error.message).toBe("the new client's $connect() (loading Prisma's query compiler) did not finish within 5 ms");
  expect(classifyError(error)).toBe('timeout');
});

test('a health query that times out names the statement that got no answer', async () => {
  const client = { $queryRawUnsafe: never } as unknown as PrismaClientLike;
  const error = await rejectionOf(runHealthCheck(client, 5, () => 0, { sql: 'SELECT @@global.read_only AS read_only' }));
  expect(error.message).toBe('no answer to SELECT @@global.read_only AS read_only within 5 ms');
  expect(classifyError(error)).toBe('timeout');
});

test('the bound of healthCheck() never fires before the check’s own: a caller’s bound equal to checkTimeoutMs is raised past it', () => {
  expect(healthCheckBound(2_000, 2_000)).toBe(2_000 + HEALTH_CHECK_BOUND_MARGIN_MS);
  expect(healthCheckBound(2_000, 500)).toBe(2_000 + HEALTH_CHECK_BOUND_MARGIN_MS);
  expect(healthCheckBound(2_000, 5_000)).toBe(5_000);
  expect(healthCheckBound(2_000, undefined)).toBe(3_000);
});

test('when the bound of healthCheck() does fire (a check that retries past it), it is a timeout', async () => {
  const error = await rejectionOf(boundedCheck(never(), 5));
  expect(error.message).toMatch(/the health check did not finish within 5 ms/);
  expect(classifyError(error)).toBe('timeout');
});
