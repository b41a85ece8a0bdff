import type { SqlStatement } from '../../split-statements.js';

/**
 * Server functions that act outside the transaction that calls them, so `BEGIN READ ONLY` does not
 * stop them: signalling other sessions, reloading or rotating server state, WAL and backup
 * control, replication slots and origins (a logical slot read consumes changes), statistics
 * resets, server files (adminpack, large-object import/export) and `dblink`, which runs SQL in a
 * session of its own. From the PostgreSQL 17 function tables "Server Signaling Functions",
 * "Backup Control Functions", "Recovery Control Functions", "Replication Management Functions",
 * "Statistics Functions" (`pg_stat_reset*`), adminpack and dblink.
 */
export const POSTGRES_SIDE_EFFECT_FUNCTIONS: readonly string[] = [
  'pg_cancel_backend',
  'pg_terminate_backend',
  'pg_reload_conf',
  'pg_rotate_logfile',
  'pg_log_backend_memory_contexts',
  'pg_promote',
  'pg_switch_wal',
  'pg_create_restore_point',
  'pg_backup_start',
  'pg_backup_stop',
  'pg_start_backup',
  'pg_stop_backup',
  'pg_wal_replay_pause',
  'pg_wal_replay_resume',
  'pg_create_physical_replication_slot',
  'pg_create_logical_replication_slot',
  'pg_drop_replication_slot',
  'pg_copy_physical_replication_slot',
  'pg_copy_logical_replication_slot',
  'pg_replication_slot_advance',
  'pg_logical_slot_get_changes',
  'pg_logical_slot_get_binary_changes',
  'pg_logical_emit_message',
  'pg_replication_origin_create',
  'pg_replication_origin_drop',
  'pg_replication_origin_advance',
  'pg_replication_origin_session_setup',
  'pg_replication_origin_session_reset',
  'pg_replication_origin_xact_setup',
  'pg_stat_reset',
  'pg_stat_reset_shared',
  'pg_stat_reset_single_table_counters',
  'pg_stat_reset_single_function_counters',
  'pg_stat_reset_slru',
  'pg_stat_reset_replication_slot',
  'pg_stat_reset_subscription_stats',
  'pg_stat_statements_reset',
  'pg_file_write',
  'pg_file_rename',
  'pg_file_unlink',
  'pg_file_sync',
  'lo_import',
  'lo_export',
  'dblink',
  'dblink_exec',
  'dblink_connect',
  'dblink_connect_u',
  'dblink_send_query',
  'dblink_open',
];

const CALLS_SIDE_EFFECT_FUNCTION = new RegExp(`\\b(${POSTGRES_SIDE_EFFECT_FUNCTIONS.join('|')})\\s*\\(`);

/** Statement kinds a read-only run refuses whatever they hold: code whose effects we cannot read from its text. */
const OPAQUE_STATEMENTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^do\b/, 'a DO block runs procedural code (and SQL built at run time) that cannot be checked before it runs'],
  [/^call\b/, 'a procedure runs code that cannot be checked before it runs'],
  [/^copy\b/, 'COPY reads or writes server files and programs outside the transaction (and COPY … TO STDOUT is not supported here)'],
];

/**
 * Why a read-only `execute` on Postgres refuses a statement that the read-only transaction would
 * let through, or `undefined`. Best effort, not a guarantee: it reads the statement's text
 * (string contents included, identifier quotes ignored), so it cannot see a function reached
 * through SQL built at run time or through a view, function or procedure the database already
 * has. A guarantee needs a database role that cannot do these things.
 */
export function postgresSideEffectRefusal(statement: SqlStatement): string | undefined {
  const code = statement.code.toLowerCase();
  for (const [pattern, reason] of OPAQUE_STATEMENTS) if (pattern.test(code)) return reason;
  // `U&"…"` identifiers can spell any name with escapes: nothing a read needs.
  if (/\bu&"/.test(code)) return 'a Unicode-escaped identifier (U&"…") could spell any function name';
  const named = CALLS_SIDE_EFFECT_FUNCTION.exec(code.replaceAll('"', ''));
  if (named) return `${named[1]}() acts outside the transaction (on other sessions, the server or its files), which a read-only transaction does not stop`;
  return undefined;
}
