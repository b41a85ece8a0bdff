import pg from 'pg';

export interface WaitReadyOptions {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** Database to log in to. Default `postgres`. */
  readonly database?: string;
  /** Query that must answer. Default `SELECT 1` (PgBouncer's admin console needs a `SHOW` command). */
  readonly query?: string;
  /** Give up after this long. Default 30 000 ms. */
  readonly timeoutMs?: number;
  /** Rejects early when the server process has died. */
  readonly failed?: () => Error | undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the server accepts a login and answers a query. */
export async function waitUntilReady(options: WaitReadyOptions): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let lastError: unknown;
  while (Date.now() < deadline) {
    const failure = options.failed?.();
    if (failure) throw failure;
    const client = new pg.Client({
      host: options.host,
      port: options.port,
      user: options.user,
      password: options.password,
      database: options.database ?? 'postgres',
      connectionTimeoutMillis: 1_000,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query(options.query ?? 'SELECT 1');
      return;
    } catch (error) {
      lastError = error;
    } finally {
      await client.end().catch(() => undefined);
    }
    await sleep(50);
  }
  throw new Error(`Postgres on ${options.host}:${options.port} was not ready within ${options.timeoutMs ?? 30_000} ms`, {
    cause: lastError,
  });
}
