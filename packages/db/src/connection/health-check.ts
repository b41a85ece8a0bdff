import type { PrismaClientLike } from './prisma-client.js';

/** A health check that got no answer within its bound. */
export class HealthCheckTimeoutError extends Error {
  override readonly name = 'HealthCheckTimeoutError';

  constructor(readonly timeoutMs: number) {
    super(`no answer to SELECT 1 within ${timeoutMs} ms`);
  }
}

/** Runs `SELECT 1` through the client, bounded by `timeoutMs`. Resolves with the latency. */
export async function runHealthCheck(client: PrismaClientLike, timeoutMs: number, now: () => number): Promise<number> {
  const started = now();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HealthCheckTimeoutError(timeoutMs)), timeoutMs);
  });
  try {
    await Promise.race([client.$queryRawUnsafe('SELECT 1'), timedOut]);
    return now() - started;
  } finally {
    clearTimeout(timer);
  }
}
