import { withClient } from '../with-client.js';

/** One row of `SHOW POOLS`: a pool per database and user (PgBouncer's own column names). */
export interface PgBouncerPool {
  readonly database: string;
  readonly user: string;
  /** Clients linked to a server connection or idle with none pending. */
  readonly cl_active: number;
  /** Clients waiting for a server connection. */
  readonly cl_waiting: number;
  /** Server connections linked to a client. */
  readonly sv_active: number;
  /** Server connections unused and ready for a client. */
  readonly sv_idle: number;
  readonly sv_used: number;
  readonly sv_tested: number;
  readonly sv_login: number;
  readonly maxwait: number;
  readonly pool_mode: string;
  readonly [column: string]: string | number | null;
}

/** One row of `SHOW STATS`: totals per database since PgBouncer started (times in microseconds). */
export interface PgBouncerStats {
  readonly database: string;
  readonly total_xact_count: number;
  readonly total_query_count: number;
  readonly total_received: number;
  readonly total_sent: number;
  readonly total_xact_time: number;
  readonly total_query_time: number;
  readonly total_wait_time: number;
  readonly [column: string]: string | number | null;
}

const TEXT_COLUMNS = new Set(['database', 'user', 'pool_mode', 'name', 'host']);

/** Counters arrive as text when they are `bigint`; make every counter a number. */
function withNumbers(row: Record<string, unknown>): Record<string, string | number | null> {
  return Object.fromEntries(
    Object.entries(row).map(([column, value]) => {
      if (typeof value === 'string' && !TEXT_COLUMNS.has(column) && /^-?\d+$/.test(value)) return [column, Number(value)];
      return [column, value as string | number | null];
    }),
  );
}

/**
 * Runs a `SHOW …` command on PgBouncer's admin console (the virtual `pgbouncer` database, open
 * to `admin_users`). The console speaks only the simple query protocol, which `pg` uses for
 * queries without parameters.
 */
export function adminShow(adminUrl: string, what: 'POOLS' | 'STATS'): Promise<Record<string, string | number | null>[]> {
  return withClient(adminUrl, async (client) => {
    const result = await client.query<Record<string, unknown>>(`SHOW ${what}`);
    return result.rows.map(withNumbers);
  });
}
