import type { FailureKind } from '../../connection/classify-error.js';

/**
 * SQLSTATEs that end or refuse the session (https://www.postgresql.org/docs/current/errcodes-appendix.html):
 * class 08 connection exception; 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03
 * cannot_connect_now, 57P05 idle_session_timeout, 25P03 idle_in_transaction_session_timeout
 * (the server closes the connection after sending them), 53300 too_many_connections.
 */
const SESSION_ENDED_STATES = new Set(['57P01', '57P02', '57P03', '57P05', '25P03', '53300']);

/** 25006 read_only_sql_transaction: a write on a server that is (now) read-only. */
const READ_ONLY_STATES = new Set(['25006']);

/** SQLSTATE classes: the session-ending ones above; 28 invalid authorization; read-only. */
export function sqlStateKind(code: string): FailureKind | undefined {
  if (/^08[0-9A-Z]{3}$/.test(code) || SESSION_ENDED_STATES.has(code)) return 'connection';
  if (/^28[0-9A-Z]{3}$/.test(code)) return 'auth';
  if (READ_ONLY_STATES.has(code)) return 'readOnly';
  return undefined;
}

/**
 * Postgres' SQLSTATE, as `pg` reports it (`code`) and as `@prisma/adapter-pg` passes it on
 * (`{ kind: 'postgres', code }`, or `originalCode` on mapped errors).
 */
export function classifyPostgresError(value: Readonly<Record<string, unknown>>): FailureKind | undefined {
  for (const key of ['code', 'errorCode', 'originalCode']) {
    const code = value[key];
    if (typeof code !== 'string') continue;
    const kind = sqlStateKind(code);
    if (kind) return kind;
  }
  return undefined;
}
