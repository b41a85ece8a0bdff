import { directEnvVarForDatabase, printable } from '@kusto/db';

/** Stable codes of every migration failure a user can act on. */
export type MigrationErrorCode =
  | 'UNSUPPORTED_PROVIDER'
  | 'DRIVER_MISSING'
  | 'RESOLVE_REFUSED'
  | 'CONNECTION_FAILED'
  | 'LOCK_TIMEOUT'
  | 'SESSION_UNAVAILABLE'
  | 'MIGRATIONS_UNREADABLE'
  | 'FAILED_MIGRATIONS_PRESENT'
  | 'MIGRATION_FAILED'
  | 'ROLLBACK_TARGET_INVALID'
  | 'DOWN_MIGRATION_MISSING'
  | 'CHECKSUM_MISMATCH'
  | 'ROLLBACK_FAILED'
  | 'ROLLBACK_INCOMPLETE'
  | 'ROLLBACK_RESUME_MISMATCH'
  | 'SEED_FAILED'
  | 'SQL_FAILED'
  | 'CANCELLED'
  | 'READ_ONLY'
  | 'NO_STATEMENTS'
  | 'DATABASE_ERROR';

/**
 * Base of every error the migration library reports. Results carry these in `error`; they are
 * thrown only by constructors given options that cannot work (an unsupported provider). The
 * message says what to do next and never holds a password.
 */
export class MigrationError extends Error {
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class UnsupportedMigrationProviderError extends MigrationError {
  constructor(
    readonly database: string,
    readonly provider: string,
    readonly supported: readonly string[],
  ) {
    super(
      'UNSUPPORTED_PROVIDER',
      `Database "${database}" uses provider "${provider}", which the native migration runner does not support yet ` +
        `(supported: ${supported.join(', ')}). Use \`prisma migrate deploy\` for this database.`,
    );
  }
}

/**
 * Whether a driver error is the server refusing the login: Postgres SQLSTATE 28P01
 * (invalid_password) or 28000 (invalid_authorization_specification), MySQL/MariaDB errno 1045
 * (ER_ACCESS_DENIED_ERROR) or 1698 (ER_ACCESS_DENIED_NO_PASSWORD_ERROR).
 */
export function isLoginRefused(error: unknown): boolean {
  const { code, errno } = (error ?? {}) as { code?: unknown; errno?: unknown };
  return code === '28P01' || code === '28000' || errno === 1045 || errno === 1698;
}

/** The advice of a {@link ConnectionFailedError} whose server refused the login; "its URL" is where the user and password are. */
export const LOGIN_REFUSED_ADVICE = 'Check the user and password in its URL.';

/** A SQLite file that could not be opened (missing, or its folder missing or unreadable): there is no server to check. */
export function isDatabaseFileProblem(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: unknown };
  return typeof code === 'string' && code.startsWith('SQLITE_CANTOPEN');
}

/** The advice of a {@link ConnectionFailedError} for a SQLite file that could not be opened. */
export const DATABASE_FILE_ADVICE =
  'Check the file path in its URL (a relative file: path is read from the database folder), or create the database with `kusto-db migrate -t deploy`.';

export class ConnectionFailedError extends MigrationError {
  /** The server was reached and refused the login (user or password wrong): see {@link isLoginRefused}. */
  readonly loginRefused: boolean;

  constructor(
    readonly database: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    const loginRefused = isLoginRefused(options?.cause);
    super(
      'CONNECTION_FAILED',
      `Could not connect to database "${database}": ${detail}. ` +
        (loginRefused
          ? LOGIN_REFUSED_ADVICE
          : isDatabaseFileProblem(options?.cause)
            ? DATABASE_FILE_ADVICE
            : 'Check that the server runs and that its URL is right.'),
      options,
    );
    this.loginRefused = loginRefused;
  }
}

export class LockTimeoutError extends MigrationError {
  constructor(
    readonly database: string,
    readonly waitedMs: number,
  ) {
    super(
      'LOCK_TIMEOUT',
      `Another migration run holds the migration lock of database "${database}" (waited ${waitedMs} ms). ` +
        'Wait for it to finish and run again, or raise `lockTimeoutMs`.',
    );
  }
}

/**
 * The URL declares a transaction pooler (`pgbouncer=true`), where each transaction may run on
 * another server connection: the migration lock, a session advisory lock, would not hold for the
 * run, so two deploys could race. Refused before the lock is taken; nothing changed.
 */
export class TransactionPoolerError extends MigrationError {
  constructor(readonly database: string) {
    super(
      'SESSION_UNAVAILABLE',
      `Database "${database}": its URL has pgbouncer=true (a transaction pooler), where the migration lock cannot hold ` +
        'for the run. Nothing was changed. Give the runner a URL that reaches the server directly ' +
        `(kusto-db takes it from ${directVariableOf(database)}).`,
    );
  }
}

/** The `kusto-db` command that resolves a migration of `database` (works offline, on every provider). */
export function resolveCommand(database: string, how: 'applied' | 'rolled-back', migration: string): string {
  return `kusto-db migrate -t resolve -d ${database} --${how} ${printable(migration)}`;
}

/** The direct-URL variable of a database, or its pattern when `database` is not a folder name. */
function directVariableOf(database: string): string {
  try {
    return directEnvVarForDatabase(database);
  } catch {
    return 'RDS_<NAME>_DIRECT_URL';
  }
}

export class MigrationsUnreadableError extends MigrationError {
  constructor(
    readonly migrationsDir: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super('MIGRATIONS_UNREADABLE', `Cannot read the migrations folder ${migrationsDir}: ${detail}.`, options);
  }
}

export class FailedMigrationsPresentError extends MigrationError {
  constructor(
    readonly database: string,
    readonly migrations: readonly string[],
  ) {
    super(
      'FAILED_MIGRATIONS_PRESENT',
      `Database "${database}" has failed migrations: ${migrations.map(printable).join(', ')}. Nothing was applied. ` +
        `Fix the migration, undo what it left behind, mark it rolled back (\`${resolveCommand(database, 'rolled-back', migrations[0] ?? '<name>')}\`, ` +
        'or `migrator.resolve({ rolledBack: name })`), then deploy again.',
    );
  }
}

/** Where a statement failed: the statement, its position and the database's own error. */
export interface StatementFailure {
  readonly statement: string;
  /** Zero-based index of the statement in the script. */
  readonly statementIndex: number;
  /** One-based line of the statement in the file. */
  readonly line: number;
  /** The database's error code (SQLSTATE on Postgres), when it gave one. */
  readonly databaseCode: string | undefined;
  /** The database's message (passwords removed). */
  readonly databaseMessage: string;
  /**
   * Outside a transaction: the statements that ran before the failing one and stay applied (the
   * first line of each, in order). Empty when the script ran in a transaction.
   */
  readonly tookEffect?: readonly string[] | undefined;
}

/** "statements 1–2 took effect: …" for a script that ran outside a transaction. */
function tookEffectText(failure: StatementFailure): string {
  const done = failure.tookEffect ?? [];
  if (done.length === 0) return '. It ran outside a transaction, and no statement before this one had run: nothing of it took effect.';
  const range = done.length === 1 ? 'statement 1' : `statements 1–${done.length}`;
  const list = done.map((statement, index) => `(${index + 1}) ${statement}`).join('; ');
  return `. It ran outside a transaction: ${range} took effect and stay applied: ${list}.`;
}

/** A migration script (up or down) that failed at one statement; the shared part of both errors. */
abstract class StatementFailedError extends MigrationError implements StatementFailure {
  readonly statement: string;
  readonly statementIndex: number;
  readonly line: number;
  readonly databaseCode: string | undefined;
  readonly databaseMessage: string;
  readonly tookEffect: readonly string[];
  /** The run was cancelled (a signal): the statement was stopped on the server, or never started. */
  readonly cancelled: boolean;

  protected constructor(
    code: 'MIGRATION_FAILED' | 'ROLLBACK_FAILED',
    readonly database: string,
    readonly migration: string,
    readonly file: string,
    failure: StatementFailure,
    readonly transactional: boolean,
    texts: { readonly what: string; readonly ifRolledBack: string; readonly next: string },
    options?: { cause?: unknown },
    cancelled = false,
  ) {
    super(
      code,
      `${texts.what} ${cancelled ? 'was cancelled' : 'failed'} at statement ${failure.statementIndex + 1} ` +
        `(${printable(file)}:${failure.line}): ${failure.databaseMessage}` +
        (failure.databaseCode ? ` [${failure.databaseCode}]` : '') +
        (transactional ? `. Its transaction was rolled back: ${texts.ifRolledBack}.` : tookEffectText(failure)) +
        ` ${texts.next}`,
      options,
    );
    this.statement = failure.statement;
    this.statementIndex = failure.statementIndex;
    this.line = failure.line;
    this.databaseCode = failure.databaseCode;
    this.databaseMessage = failure.databaseMessage;
    this.tookEffect = transactional ? [] : (failure.tookEffect ?? []);
    this.cancelled = cancelled;
  }
}

export class MigrationFailedError extends StatementFailedError {
  constructor(
    database: string,
    migration: string,
    file: string,
    failure: StatementFailure,
    transactional: boolean,
    options?: { cause?: unknown },
    cancelled = false,
  ) {
    super('MIGRATION_FAILED', database, migration, file, failure, transactional, {
      what: `Migration "${printable(migration)}" of database "${database}"`,
      ifRolledBack: 'nothing of it remains',
      // Nothing took effect (a transaction, or the first statement failed): nothing to undo.
      next: transactional || (failure.tookEffect ?? []).length === 0
        ? `Fix the migration, mark it rolled back (\`${resolveCommand(database, 'rolled-back', migration)}\`), and deploy again.`
        : `Undo what took effect or finish it by hand, then mark it rolled back (\`${resolveCommand(database, 'rolled-back', migration)}\`) ` +
          `and deploy again, or applied (\`${resolveCommand(database, 'applied', migration)}\`).`,
    }, options, cancelled);
  }
}

export class RollbackFailedError extends StatementFailedError {
  constructor(
    database: string,
    migration: string,
    file: string,
    failure: StatementFailure,
    transactional: boolean,
    options?: { cause?: unknown },
    cancelled = false,
  ) {
    const halfDone = !transactional && (failure.tookEffect ?? []).length > 0;
    super('ROLLBACK_FAILED', database, migration, file, failure, transactional, {
      what: `Rolling back "${printable(migration)}" of database "${database}"`,
      ifRolledBack: 'the migration is still applied',
      next: halfDone
        ? 'The half-done rollback is recorded (status shows it, deploy waits for it). Fix down.sql and run the rollback again: ' +
          'it resumes after the statements that took effect, as long as down.sql still starts with them.'
        : 'Fix down.sql and run the rollback again.',
    }, options, cancelled);
  }
}

/** A rollback of these migrations failed halfway: deploy waits until it is finished. */
export class RollbackIncompleteError extends MigrationError {
  constructor(
    readonly database: string,
    readonly migrations: readonly string[],
  ) {
    super(
      'ROLLBACK_INCOMPLETE',
      `Database "${database}" has a rollback that failed halfway: ${migrations.map(printable).join(', ')} ` +
        '(some of its down.sql took effect). Nothing was applied. Fix its down.sql and run the rollback again ' +
        '(it resumes after what took effect), then deploy.',
    );
  }
}

/** A half-done rollback cannot resume: `down.sql` no longer starts with the statements that took effect. */
export class RollbackResumeMismatchError extends MigrationError {
  constructor(
    readonly database: string,
    readonly migration: string,
    /** The statements of the failed attempt that took effect, in order. */
    readonly statementsDone: readonly string[],
  ) {
    const list = statementsDone.map((statement) => printable(statement.split('\n')[0]!.trim())).join('; ');
    super(
      'ROLLBACK_RESUME_MISMATCH',
      `Rollback of database "${database}" refused, nothing was changed: the earlier rollback of "${printable(migration)}" ` +
        `failed halfway after ${statementsDone.length} statement${statementsDone.length === 1 ? '' : 's'} took effect (${list}), ` +
        'and its down.sql no longer starts with them, so what is left to run cannot be told. Make down.sql start with those ' +
        'statements again (they are skipped, not run twice), followed by what is left to revert.',
    );
  }
}

export class RollbackTargetError extends MigrationError {
  constructor(
    readonly database: string,
    readonly target: string,
    readonly reason: 'unknown' | 'ambiguous' | 'out-of-range' | 'invalid',
    /** The applied migrations the target could name (all of them, or the ambiguous matches). */
    readonly candidates: readonly string[],
  ) {
    const list = candidates.length > 0 ? candidates.map(printable).join(', ') : '(none applied)';
    const shown = printable(target);
    const what =
      reason === 'ambiguous'
        ? `"${shown}" matches several applied migrations: ${list}. Give the full name.`
        : reason === 'out-of-range'
          ? `cannot roll back ${shown} migration${shown === '1' ? '' : 's'}: only ${candidates.length} ${candidates.length === 1 ? 'is' : 'are'} applied${candidates.length > 0 ? ` (${list})` : ''}.`
          : reason === 'invalid'
            ? `${shown} is not a number of steps: give a whole number of at least 1, or a migration name.`
            : `"${shown}" is not an applied migration. Applied: ${list}.`;
    super('ROLLBACK_TARGET_INVALID', `Rollback of database "${database}": ${what}`);
  }
}

export class DownMigrationMissingError extends MigrationError {
  constructor(
    readonly database: string,
    readonly migrations: readonly string[],
  ) {
    super(
      'DOWN_MIGRATION_MISSING',
      `Rollback of database "${database}" refused, nothing was changed: no down.sql beside migration.sql in ` +
        `${migrations.map(printable).join(', ')}. Write a down.sql for each (e.g. with \`prisma migrate diff --script\`), or roll back fewer steps.`,
    );
  }
}

export class ChecksumMismatchError extends MigrationError {
  constructor(
    readonly database: string,
    readonly migrations: readonly string[],
  ) {
    super(
      'CHECKSUM_MISMATCH',
      `Rollback of database "${database}" refused, nothing was changed: ${migrations.map(printable).join(', ')} ` +
        'changed on disk since it was applied, so its down.sql may not match the database. Restore the applied ' +
        'migration.sql, or pass `ignoreChecksumMismatch: true`.',
    );
  }
}

/** A database call the runner itself made (bookkeeping, locking) failed, e.g. the connection dropped. */
export class MigrationDatabaseError extends MigrationError {
  constructor(
    readonly database: string,
    readonly databaseCode: string | undefined,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      'DATABASE_ERROR',
      `Database "${database}" failed during the migration run: ${detail}` +
        (databaseCode ? ` [${databaseCode}]` : '') +
        '. Check the server and run `status` to see what was recorded.',
      options,
    );
  }
}

/** Why `resolve` refused, in Prisma's terms (the P-code Prisma's engine gives for the same case). */
export type ResolveRefusal =
  /** P3017: no local migration folder of that name (with a `migration.sql`). */
  | 'notFoundLocally'
  /** P3008: the migration is already recorded as applied. */
  | 'alreadyApplied'
  /** P3011: the migration has no row at all (never applied, or the table does not exist). */
  | 'notApplied'
  /** P3012: every row of the migration finished: it is applied, not failed. */
  | 'notFailed';

const RESOLVE_TEXTS: Readonly<Record<ResolveRefusal, (migration: string) => string>> = {
  notFoundLocally: (migration) => `there is no migration folder "${migration}" with a migration.sql: give the folder name of a local migration`,
  alreadyApplied: (migration) => `"${migration}" is already recorded as applied`,
  notApplied: (migration) => `"${migration}" was never applied (it has no row in _prisma_migrations), so there is nothing to mark rolled back`,
  notFailed: (migration) =>
    `"${migration}" is applied and did not fail: only a failed migration can be marked rolled back (revert an applied one with \`kusto-db rollback\` and its down.sql)`,
};

/** `resolve` refused, as Prisma's `migrate resolve` refuses the same cases; nothing was changed. */
export class ResolveRefusedError extends MigrationError {
  constructor(
    readonly database: string,
    readonly migration: string,
    readonly reason: ResolveRefusal,
    /** The error code Prisma's engine gives for this case. */
    readonly prismaCode: 'P3017' | 'P3008' | 'P3011' | 'P3012',
  ) {
    super('RESOLVE_REFUSED', `Resolve on database "${database}" refused, nothing was changed: ${RESOLVE_TEXTS[reason](printable(migration))}.`);
  }
}

/** The run was cancelled (a signal) between two migrations: the ones before it are applied, none after it started. */
export class RunCancelledError extends MigrationError {
  constructor(readonly database: string) {
    super('CANCELLED', `The migration run of database "${database}" was cancelled before the next migration started; the migrations before it stay applied.`);
  }
}
