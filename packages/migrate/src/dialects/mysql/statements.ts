import type { SqlStatement } from '../../split-statements.js';

const TRANSACTION_CONTROL = /^(begin|start transaction|commit|rollback|savepoint|release savepoint|xa|set (session |global )?(autocommit|transaction)\b|lock tables?|unlock tables?)\b/;

/** Whether a statement controls the transaction itself (`START TRANSACTION`, `COMMIT`, `SET autocommit`, `LOCK TABLES`, …). */
export function isMysqlTransactionControl(statement: SqlStatement): boolean {
  const code = statement.code.toLowerCase();
  // `BEGIN NOT ATOMIC … END` is MariaDB's compound statement, not a transaction.
  if (/^begin not atomic\b/.test(code)) return false;
  return TRANSACTION_CONTROL.test(code);
}

/**
 * Statements a read-only `execute` lets through on MySQL/MariaDB. DDL and many other statements
 * commit the open transaction implicitly, which would leave `START TRANSACTION READ ONLY` behind,
 * so only reads run: the rest is refused before anything is sent.
 */
const READS = /^(\(\s*)*(select|with|show|describe|desc|explain|values|table|help|checksum table|analyze format)\b/;

/** Why a statement may not run in a read-only `execute`, or `undefined` when it may. */
export function mysqlReadOnlyRefusal(statement: SqlStatement): string | undefined {
  const code = statement.code.toLowerCase();
  if (!READS.test(code)) return 'only reads (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN, VALUES, TABLE) run without --write on MySQL: other statements may commit the read-only transaction implicitly';
  if (/\binto\s+(outfile|dumpfile)\b/.test(code)) return 'SELECT … INTO OUTFILE/DUMPFILE writes a file on the server';
  return undefined;
}
