import type { SqlStatement } from '../../split-statements.js';

interface Rule {
  readonly pattern: RegExp;
  readonly reason: string;
  /** The rule holds only on servers older than this `server_version_num`. */
  readonly before?: number;
}

/**
 * Statements PostgreSQL refuses inside a transaction block ("cannot run inside a transaction
 * block", or for `ALTER TYPE … ADD VALUE` before 12 "cannot be executed inside a transaction block").
 */
const RULES: readonly Rule[] = [
  { pattern: /^create (unique )?index concurrently\b/, reason: 'CREATE INDEX CONCURRENTLY' },
  { pattern: /^drop index concurrently\b/, reason: 'DROP INDEX CONCURRENTLY' },
  { pattern: /^reindex\b.*\bconcurrently\b/, reason: 'REINDEX CONCURRENTLY' },
  { pattern: /^alter table\b.*\bdetach partition\b.*\bconcurrently\b/, reason: 'DETACH PARTITION CONCURRENTLY' },
  { pattern: /^vacuum\b/, reason: 'VACUUM' },
  { pattern: /^(create|drop) database\b/, reason: 'CREATE/DROP DATABASE' },
  { pattern: /^alter database\b.*\bset tablespace\b/, reason: 'ALTER DATABASE … SET TABLESPACE' },
  { pattern: /^(create|drop) tablespace\b/, reason: 'CREATE/DROP TABLESPACE' },
  { pattern: /^alter system\b/, reason: 'ALTER SYSTEM' },
  { pattern: /^cluster\s*$/, reason: 'CLUSTER without a table' },
  { pattern: /^(create|alter|drop) subscription\b/, reason: 'subscription commands' },
  { pattern: /^alter type\b.*\badd value\b/, reason: 'ALTER TYPE … ADD VALUE before PostgreSQL 12', before: 120_000 },
];

const TRANSACTION_CONTROL = /^(begin|start transaction|commit|end|rollback|abort|savepoint|release|prepare transaction|commit prepared|rollback prepared)\b/;

function normalise(statement: SqlStatement): string {
  return statement.code.toLowerCase();
}

/** Why a statement cannot run in a transaction on a server of `serverVersionNum`, else `undefined`. */
export function postgresNonTransactionalReason(statement: SqlStatement, serverVersionNum: number): string | undefined {
  const code = normalise(statement);
  const rule = RULES.find((candidate) => candidate.pattern.test(code) && (candidate.before === undefined || serverVersionNum < candidate.before));
  return rule?.reason;
}

/** Whether a statement controls the transaction itself (`BEGIN`, `COMMIT`, `SAVEPOINT`, …). */
export function isPostgresTransactionControl(statement: SqlStatement): boolean {
  const code = normalise(statement);
  // `BEGIN ATOMIC` opens a routine body, but only inside CREATE FUNCTION, so a statement never starts with it.
  return TRANSACTION_CONTROL.test(code);
}
