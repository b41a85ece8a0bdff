import mariadb, { type Connection } from 'mariadb';

/** Where a MariaDB server listens and whom to log in as. */
export interface MariaDbAddress {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** Default database of the session. Default: none. */
  readonly database?: string;
}

/** How long an admin session may take to open. */
const ADMIN_CONNECT_TIMEOUT_MS = 5_000;

/** Runs `work` on a short-lived session, always closing it. */
export async function withMariaDbConnection<T>(address: MariaDbAddress, work: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await mariadb.createConnection({
    host: address.host,
    port: address.port,
    user: address.user,
    password: address.password,
    ...(address.database ? { database: address.database } : {}),
    connectTimeout: ADMIN_CONNECT_TIMEOUT_MS,
    // The connector puts a statement's parameters in its error messages by default: never a password.
    logParam: false,
    // Admin statements here never need more; keeps bigint counters as numbers.
    bigIntAsNumber: true,
    insertIdAsNumber: true,
  });
  connection.on('error', () => undefined);
  try {
    return await work(connection);
  } finally {
    await connection.end().catch(() => connection.destroy());
  }
}

export interface WaitMariaDbReadyOptions {
  /** Give up after this long. Default 30 000 ms. */
  readonly timeoutMs?: number;
  /** Rejects early when the server process has died. */
  readonly failed?: () => Error | undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the server accepts a login and answers `SELECT 1`. */
export async function waitUntilMariaDbReady(address: MariaDbAddress, options: WaitMariaDbReadyOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const failure = options.failed?.();
    if (failure) throw failure;
    try {
      await withMariaDbConnection(address, (connection) => connection.query('SELECT 1'));
      return;
    } catch (error) {
      lastError = error;
    }
    await sleep(50);
  }
  throw new Error(`MariaDB on ${address.host}:${address.port} was not ready within ${timeoutMs} ms`, { cause: lastError });
}
