import { constants as osConstants } from 'node:os';
import type { FailureKind } from '../../connection/classify-error.js';

/**
 * MySQL/MariaDB server error numbers
 * (https://mariadb.com/kb/en/mariadb-error-code-reference/, https://dev.mysql.com/doc/mysql-errors/8.0/en/):
 * - connection: 1040 too many connections, 1203 too many for this user, 1049 unknown database,
 *   1053 server shutdown in progress, 1152/1184 aborted connection, 1158–1161 network read/write
 *   errors, 1927 connection killed, 2002/2003 cannot connect (socket/TCP), 2006 server has gone
 *   away, 2013/2055 lost connection during a query, 4031 disconnected for inactivity, 1129 host
 *   blocked after too many connection errors;
 * - auth: 1044 access denied to the database, 1045 access denied (wrong password), 1130 host not
 *   allowed, 1524 authentication plugin not loaded, 1698 access denied without a password,
 *   1820/1862 the password must be changed / has expired;
 * - read-only: 1290 the server runs with --read-only (or --super-read-only), 1836 read-only mode;
 * - timeout: 1969 MariaDB's max_statement_time, 3024 MySQL's max_execution_time.
 */
const SERVER_ERRORS: Readonly<Record<number, FailureKind>> = {
  1040: 'connection',
  1049: 'connection',
  1053: 'connection',
  1129: 'connection',
  1152: 'connection',
  1158: 'connection',
  1159: 'connection',
  1160: 'connection',
  1161: 'connection',
  1184: 'connection',
  1203: 'connection',
  1927: 'connection',
  2002: 'connection',
  2003: 'connection',
  2006: 'connection',
  2013: 'connection',
  2055: 'connection',
  4031: 'connection',
  1044: 'auth',
  1045: 'auth',
  1130: 'auth',
  1524: 'auth',
  1698: 'auth',
  1820: 'auth',
  1862: 'auth',
  1290: 'readOnly',
  1836: 'readOnly',
  1969: 'timeout',
  3024: 'timeout',
};

/**
 * The `mariadb` connector's own error numbers (its `lib/misc/errors.js`):
 * - connection: 45001 connection already closed, 45004 command not executed (connection
 *   destroyed), 45009 socket closed unexpectedly, 45011 unexpected packet, 45013 command on a
 *   closed connection, 45019 socket error, 45023 server has SSL disabled, 45027 pool already
 *   closed, 45035 connection added to a closed pool, 45037 pool is ending, 45060 pool not
 *   initialised, 45061 pool failed to create a connection;
 * - timeout: 45012 connect timeout, 45026 socket timeout, 45028 pool timeout (no connection
 *   within `acquireTimeout`), 45039 initial-SQL timeout, 45042 ping timeout;
 * - auth: 45024 bad authentication packet, 45025/45047 authentication plugin not supported,
 *   45044 cannot retrieve the server's RSA key.
 */
const CONNECTOR_ERRORS: Readonly<Record<number, FailureKind>> = {
  45001: 'connection',
  45004: 'connection',
  45009: 'connection',
  45011: 'connection',
  45013: 'connection',
  45019: 'connection',
  45023: 'connection',
  45027: 'connection',
  45035: 'connection',
  45037: 'connection',
  45060: 'connection',
  45061: 'connection',
  45012: 'timeout',
  45026: 'timeout',
  45028: 'timeout',
  45039: 'timeout',
  45042: 'timeout',
  45024: 'auth',
  45025: 'auth',
  45044: 'auth',
  45047: 'auth',
};

/** The kind of a MySQL server or `mariadb` connector error number, if it says anything. */
export function mysqlErrorKind(errno: number): FailureKind | undefined {
  return SERVER_ERRORS[errno] ?? CONNECTOR_ERRORS[errno];
}

/**
 * The connector passes a failed socket's own error through with its negative OS error number
 * (`connect ECONNREFUSED` is errno -111 with SQLSTATE HY000), and the adapter keeps only that
 * number (`{ kind: 'mysql', code: -111 }`): the socket failed, so the connection did, or timed out.
 */
function socketErrorKind(value: unknown): FailureKind | undefined {
  const errno = typeof value === 'string' && /^-\d+$/.test(value) ? Number(value) : value;
  if (typeof errno !== 'number' || !Number.isInteger(errno) || errno >= 0) return undefined;
  return -errno === osConstants.errno.ETIMEDOUT ? 'timeout' : 'connection';
}

function asErrno(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

/**
 * A `mariadb` `SqlError` (`errno`, beside `sqlState`/`sqlMessage`), or `@prisma/adapter-mariadb`'s
 * mapped error for codes it has no Prisma kind for (`{ kind: 'mysql', code }`). The codes it does
 * map (1045, 1049, 1040…) arrive as adapter kinds, which `classifyError` reads itself.
 */
export function classifyMysqlError(value: Readonly<Record<string, unknown>>): FailureKind | undefined {
  const candidates: unknown[] = [];
  if (value.kind === 'mysql') {
    // The connector's own error still has its `code` (ECONNREFUSED…), which classifyError reads.
    const socket = socketErrorKind(value.code);
    if (socket) return socket;
    candidates.push(value.code);
  }
  if (typeof value.sqlState === 'string' || value.sqlState === null || typeof value.sqlMessage === 'string') candidates.push(value.errno);
  for (const candidate of candidates) {
    const errno = asErrno(candidate);
    const kind = errno === undefined ? undefined : mysqlErrorKind(errno);
    if (kind) return kind;
  }
  return undefined;
}
