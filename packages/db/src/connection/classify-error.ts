import { PROVIDERS } from '../providers/index.js';

/**
 * What a failure means for the connection:
 * - `connection`: the database cannot be reached or dropped us (rebuild, retry, circuit);
 * - `timeout`: it did not answer in time (do not retry at once: retries would only multiply the wait);
 * - `auth`: it answered and refused our credentials;
 * - `readOnly`: it answered, but accepts only reads: a primary demoted by a failover (the writer is
 *   elsewhere now: rebuild so new connections find it). Expected of a replica, never of a primary;
 * - `query`: the database works and rejected this query (unique violation, syntax…): nothing to heal.
 */
export type FailureKind = 'connection' | 'timeout' | 'auth' | 'readOnly' | 'query';

/** Prisma error codes: https://www.prisma.io/docs/orm/reference/error-reference (P1xxx are connection-level). */
const PRISMA_CODES: Readonly<Record<string, FailureKind>> = {
  P1000: 'auth', // Authentication failed against database server
  P1001: 'connection', // Can't reach database server
  P1002: 'timeout', // The database server was reached but timed out
  P1003: 'connection', // Database does not exist
  P1008: 'timeout', // Operations timed out
  P1010: 'auth', // User was denied access on the database
  P1011: 'connection', // Error opening a TLS connection
  P1017: 'connection', // Server has closed the connection
  P2024: 'timeout', // Timed out fetching a new connection from the connection pool
};

/** Driver-adapter error kinds (`@prisma/driver-adapter-utils`, produced by each adapter's error mapping). */
const ADAPTER_KINDS: Readonly<Record<string, FailureKind>> = {
  DatabaseNotReachable: 'connection',
  DatabaseDoesNotExist: 'connection',
  ConnectionClosed: 'connection',
  TooManyConnections: 'connection',
  TlsConnectionError: 'connection',
  SocketTimeout: 'timeout',
  AuthenticationFailed: 'auth',
  DatabaseAccessDenied: 'auth',
};

/** Node socket error codes. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

function kindOfOne(value: Record<string, unknown>): FailureKind | undefined {
  if (value.name === 'HealthCheckTimeoutError' || value.name === 'QueryTimeoutError') return 'timeout';
  if (value.name === 'ReadOnlyServerError') return 'readOnly';
  if (value.code === 'DATABASE_UNAVAILABLE') return 'connection';
  const kind = value.kind;
  if (typeof kind === 'string' && kind in ADAPTER_KINDS) return ADAPTER_KINDS[kind];
  for (const key of ['code', 'errorCode', 'originalCode']) {
    const code = value[key];
    if (typeof code !== 'string') continue;
    if (code in PRISMA_CODES) return PRISMA_CODES[code];
    if (SOCKET_CODES.has(code)) return 'connection';
    if (code === 'ETIMEDOUT') return 'timeout';
  }
  // Each driver's own codes: Postgres SQLSTATEs, MySQL/mariadb error numbers, SQLite result codes…
  for (const provider of PROVIDERS) {
    const own = provider.classify(value);
    if (own) return own;
  }
  return undefined;
}

/** The error and what it wraps: `cause` chains and Prisma's `meta.driverAdapterError`. */
function* related(error: unknown, depth = 0): Generator<Record<string, unknown>> {
  if (depth > 6 || error === null || typeof error !== 'object') return;
  const value = error as Record<string, unknown>;
  yield value;
  const meta = value.meta as Record<string, unknown> | undefined;
  yield* related(meta?.driverAdapterError, depth + 1);
  yield* related(value.cause, depth + 1);
}

/** Classifies by error codes and driver-adapter kinds, never by message text. */
export function classifyError(error: unknown): FailureKind {
  for (const value of related(error)) {
    const kind = kindOfOne(value);
    if (kind) return kind;
  }
  return 'query';
}

/** True for failures that say the database (not the query) is the problem. */
export function isConnectionFailure(error: unknown): boolean {
  return classifyError(error) !== 'query';
}
