// What the native-runner commands (deploy, status, rollback, seed, execute) share: the checks that
// run before anything touches a database, and how runner errors are shown. The runner itself
// (which loads `pg`) is imported lazily, so `kusto-db list` and `--help` stay fast.
import { parseDatabaseUrl, scrubSecrets, type DatabaseFolder } from '@kusto/db';
import type { CliContext } from '../context.js';
import type * as RunnerModule from '@kusto/migrate';
import { CLI_DRIVER_DIRS } from '../driver-dirs.js';
import { CliError } from '../errors.js';
import { palette } from '../output/colors.js';
import { chooseConnectionUrl, verifySessions, type ConnectionNeed, type ConnectionUrl } from '../targets/connection-url.js';

export { CLI_DRIVER_DIRS };

/** The migration runner library, loaded on first use. */
export type Runner = typeof RunnerModule;

export async function loadRunner(): Promise<Runner> {
  return import('@kusto/migrate');
}

/**
 * A database the runner may work on: its folder and the URL chosen for the command (see
 * {@link chooseConnectionUrl}): `envVar` names where it came from, `kind` whether it is the direct
 * URL. Never print `url`.
 */
export interface RunnerTarget extends ConnectionUrl {
  readonly folder: DatabaseFolder;
}

/** The URL's problem in @kusto/db's words (never echoing the URL), or undefined when it parses. */
function invalidUrl(database: string, provider: string, url: string, envVar: string): string | undefined {
  try {
    parseDatabaseUrl(database, provider, url, envVar);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Checks every database before any of them is touched: a URL for `need` is set and parses (the
 * direct one first unless `need` is `main`), a command that needs one session is not left with a
 * transaction pooler only, and the runner supports the provider. Then, for session work on a main
 * URL without `pgbouncer=true`, the pooler probe. Throws one {@link CliError} naming every problem
 * (one line each), so a problem with the third database stops the command before the first changes.
 */
export async function prepareRunnerTargets(
  folders: readonly DatabaseFolder[],
  context: Pick<CliContext, 'env' | 'io' | 'colors' | 'poolerProbe'>,
  need: ConnectionNeed,
): Promise<RunnerTarget[]> {
  const { MIGRATION_PROVIDERS } = await loadRunner();
  const problems: string[] = [];
  const targets: RunnerTarget[] = [];
  for (const folder of folders) {
    const choice = chooseConnectionUrl(folder, context.env, need);
    if (choice.state !== 'chosen') {
      problems.push(choice.problem);
      continue;
    }
    const { connection } = choice;
    const provider = folder.schema.provider ?? 'postgresql';
    const urlProblem = invalidUrl(folder.name, provider, connection.url, connection.envVar);
    if (urlProblem !== undefined) {
      problems.push(urlProblem);
    } else if (!Object.hasOwn(MIGRATION_PROVIDERS, provider)) {
      problems.push(
        `Database "${folder.name}" uses provider "${provider}", which the native migration runner does not support ` +
          `(supported: ${Object.keys(MIGRATION_PROVIDERS).join(', ')}).`,
      );
    } else {
      targets.push({ ...connection, folder });
    }
  }
  if (problems.length === 0) {
    const paint = palette(context.colors);
    problems.push(...(await verifySessions(targets, context.poolerProbe, (line) => context.io.err(`${paint.warn('!')} ${line}`))));
  }
  if (problems.length > 0) throw new CliError('PRECHECK_FAILED', `${problems.join('\n')}\nNothing was run.`);
  return targets;
}

/** How long {@link unreachableReason} waits for a connection. */
export const REACHABILITY_TIMEOUT_MS = 5_000;

/**
 * Whether the runner can connect to `target` now: undefined when it can, else the connection
 * error's message (password removed), which says what to check. One connection, closed at once;
 * used after a child process (a seed) failed, to tell a database that is down from a broken script.
 */
export async function unreachableReason(target: RunnerTarget): Promise<string | undefined> {
  const { MIGRATION_PROVIDERS, ConnectionFailedError } = await loadRunner();
  const connect = MIGRATION_PROVIDERS[target.folder.schema.provider ?? 'postgresql'];
  if (!connect) return undefined;
  try {
    const connection = await connect({ database: target.folder.name, url: target.url, connectTimeoutMs: REACHABILITY_TIMEOUT_MS, baseDir: target.folder.dir, driverDirs: CLI_DRIVER_DIRS, readOnly: true });
    await connection.close();
    return undefined;
  } catch (error) {
    return error instanceof ConnectionFailedError ? inCliTerms(error, target) : undefined;
  }
}

/** What a failed statement looks like in a runner error (migration, rollback). */
interface StatementFailureLike {
  readonly statement: string;
  readonly file: string;
  readonly line: number;
}

function hasStatement(error: unknown): error is StatementFailureLike {
  const candidate = error as Partial<StatementFailureLike> | undefined;
  return typeof candidate?.statement === 'string' && typeof candidate.file === 'string' && typeof candidate.line === 'number';
}

/**
 * Advice in the library's messages that names a `createMigrator` option or method, which a
 * `kusto-db` user cannot pass, replaced by what the command line offers. Keyed by the error's
 * stable code; the library's own wording is matched exactly (runner-support.test.ts builds the
 * real errors, so a change there fails a test here).
 */
const LIBRARY_ADVICE: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  CHECKSUM_MISMATCH: [['Restore the applied migration.sql, or pass `ignoreChecksumMismatch: true`.', 'Restore the applied migration.sql (e.g. from version control) and run the rollback again.']],
  FAILED_MIGRATIONS_PRESENT: [[', or `migrator.resolve({ rolledBack: name })`)', ')']],
  LOCK_TIMEOUT: [[', or raise `lockTimeoutMs`.', '.']],
};

/**
 * A runner error's message as a `kusto-db` user can act on it (see {@link LIBRARY_ADVICE}); a
 * refused login names the variable the URL came from (never the URL), and the password is removed.
 */
export function inCliTerms(error: Error, connection: Pick<ConnectionUrl, 'url' | 'envVar'>): string {
  const code = (error as { code?: unknown }).code;
  let message = error.message;
  for (const [library, cli] of (typeof code === 'string' ? LIBRARY_ADVICE[code] : undefined) ?? []) message = message.replace(library, cli);
  if (code === 'CONNECTION_FAILED' && (error as { loginRefused?: unknown }).loginRefused === true) {
    message = message.replace('Check the user and password in its URL.', `Check the user and password in ${connection.envVar}.`);
  }
  return scrubSecrets(message, connection.url);
}

/**
 * The lines that explain a runner error: its message, then the failing statement (indented) when
 * the database rejected one. The URL's password is removed from every line.
 */
export function describeRunnerError(error: Error, connection: Pick<ConnectionUrl, 'url' | 'envVar'>): string[] {
  const { url } = connection;
  const lines = [inCliTerms(error, connection)];
  if (hasStatement(error)) {
    // The message names the file and line already: say it once.
    const where = `${error.file}:${error.line}`;
    lines.push(lines[0]!.includes(where) ? 'Failing statement:' : `Failing statement (${where}):`);
    for (const line of scrubSecrets(error.statement, url).split('\n')) lines.push(`    ${line}`);
  }
  return lines;
}

/**
 * Runs `work` with an AbortSignal that Ctrl+C / SIGTERM aborts: the runner then cancels the
 * statement on the server (Postgres `pg_cancel_backend`, MySQL `KILL QUERY`), rolls back what it
 * can, releases the migration lock and returns, so the command exits (130) with nothing left
 * running on the server. `interrupted()` says whether a signal came.
 */
export async function withInterruptSignal<T>(
  context: Pick<CliContext, 'onInterrupt' | 'io'>,
  work: (signal: AbortSignal, interrupted: () => boolean) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const unsubscribe = context.onInterrupt((signal) => {
    if (!controller.signal.aborted) context.io.err(`kusto-db: ${signal}: cancelling the statement on the server and releasing the lock…`);
    controller.abort();
  });
  try {
    return await work(controller.signal, () => controller.signal.aborted);
  } finally {
    unsubscribe();
  }
}
