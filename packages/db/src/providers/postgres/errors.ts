import type { FailureKind } from '../../connection/classify-error.js';

/**
 * SQLSTATE classes: 08 connection exception; 57P01 admin_shutdown, 57P02 crash_shutdown,
 * 57P03 cannot_connect_now, 53300 too_many_connections; 28 invalid authorization.
 */
export function sqlStateKind(code: string): FailureKind | undefined {
  if (/^08[0-9A-Z]{3}$/.test(code) || ['57P01', '57P02', '57P03', '53300'].includes(code)) return 'connection';
  if (/^28[0-9A-Z]{3}$/.test(code)) return 'auth';
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
