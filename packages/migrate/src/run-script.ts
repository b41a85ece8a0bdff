import { DatabaseStatementError, type MigrationConnection } from './migration-connection.js';
import { splitSqlStatements, type SqlStatement } from './split-statements.js';
import type { StatementFailure } from './errors.js';

/** How a script will run: its statements, and whether inside one transaction. */
export interface ScriptPlan {
  readonly statements: readonly SqlStatement[];
  readonly transactional: boolean;
  /** Why not transactional, when it is not. */
  readonly reason: string | undefined;
}

/**
 * Splits a script and decides how to run it: in one transaction when the provider has
 * transactional DDL, unless a statement cannot run in a transaction (then each statement runs on
 * its own) or the script manages its own transaction (`BEGIN`/`COMMIT` inside it).
 */
export function planScript(connection: MigrationConnection, script: string): ScriptPlan {
  const statements = splitSqlStatements(script, connection.dialect);
  if (!connection.transactionalDdl) return { statements, transactional: false, reason: `${connection.provider} has no transactional DDL` };
  for (const statement of statements) {
    const reason = connection.nonTransactionalReason(statement);
    if (reason) return { statements, transactional: false, reason: `contains ${reason}` };
    if (connection.isTransactionControl(statement)) {
      return { statements, transactional: false, reason: 'manages its own transaction' };
    }
  }
  return { statements, transactional: true, reason: undefined };
}

/** Result of {@link runStatements}. */
export interface StatementsOutcome {
  readonly statementsRun: number;
  readonly failure: { readonly detail: StatementFailure; readonly cause: DatabaseStatementError } | undefined;
}

/** Runs statements one by one and stops at the first database error, which it returns. */
export async function runStatements(
  connection: MigrationConnection,
  statements: readonly SqlStatement[],
  signal?: AbortSignal,
): Promise<StatementsOutcome> {
  let statementsRun = 0;
  // While a statement runs, an abort asks the server to cancel it; between statements it stops the script.
  const onAbort = () => void connection.cancel();
  signal?.addEventListener('abort', onAbort);
  try {
    for (const statement of statements) {
      try {
        // Let signals in between statements: a synchronous driver (SQLite) gives the event loop no other chance.
        if (signal) await new Promise((resolve) => setImmediate(resolve));
        if (signal?.aborted) throw new DatabaseStatementError(CANCELLED_CODE, 'the run was cancelled before this statement started');
        await connection.execute(statement.sql);
        // A cancelled statement may still end without an error (MySQL's SLEEP() returns 1 when
        // killed): once the run is cancelled, the statement does not count as done.
        if (signal?.aborted) throw new DatabaseStatementError(CANCELLED_CODE, 'the statement was cancelled on the server');
      } catch (error) {
        if (!(error instanceof DatabaseStatementError)) throw error;
        return {
          statementsRun,
          failure: {
            detail: {
              statement: statement.sql,
              statementIndex: statement.index,
              line: statement.line,
              databaseCode: error.databaseCode,
              databaseMessage: signal?.aborted ? `cancelled (${error.message})` : error.message,
              tookEffect: statements.slice(0, statementsRun).map((done) => done.sql.split('\n')[0]!.trim()),
            },
            cause: error,
          },
        };
      }
      statementsRun++;
    }
    return { statementsRun, failure: undefined };
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** The database code of a statement that did not start because the run was cancelled. */
export const CANCELLED_CODE = 'CANCELLED';
