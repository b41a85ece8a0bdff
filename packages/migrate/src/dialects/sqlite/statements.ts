import type { SqlStatement } from '../../split-statements.js';

const TRANSACTION_CONTROL = /^(begin|commit|end|rollback|savepoint|release)\b/;

/** Whether a statement controls the transaction itself (`BEGIN`, `COMMIT`, `SAVEPOINT`, …). */
export function isSqliteTransactionControl(statement: SqlStatement): boolean {
  return TRANSACTION_CONTROL.test(statement.code.toLowerCase());
}

/** Statements SQLite refuses inside a transaction. */
const OUTSIDE_ONLY: ReadonlyArray<{ readonly pattern: RegExp; readonly reason: string }> = [
  { pattern: /^vacuum\b/, reason: 'VACUUM' },
  { pattern: /^pragma\s+(\w+\.)?journal_mode\s*=/, reason: 'PRAGMA journal_mode' },
];

/** Why a statement cannot run in a transaction on SQLite, else `undefined`. */
export function sqliteNonTransactionalReason(statement: SqlStatement): string | undefined {
  const code = statement.code.toLowerCase();
  return OUTSIDE_ONLY.find((rule) => rule.pattern.test(code))?.reason;
}

/** `PRAGMA foreign_keys = OFF` (or `0`/`false`/`no`), as Prisma writes before redefining tables. */
export function turnsForeignKeysOff(statement: SqlStatement): boolean {
  return /^pragma\s+(main\.)?foreign_keys\s*=\s*(off|0|false|no)\s*$/.test(statement.code.toLowerCase());
}

/** Statements that would let a read-only `execute` write: they change `query_only` or attach another file. */
export function sqliteReadOnlyRefusal(statement: SqlStatement): string | undefined {
  const code = statement.code.toLowerCase();
  if (/^pragma\s+(\w+\.)?query_only\b/.test(code)) return 'PRAGMA query_only changes the read-only mode';
  if (/^(attach|detach)\b/.test(code)) return 'ATTACH/DETACH opens other database files';
  return undefined;
}
