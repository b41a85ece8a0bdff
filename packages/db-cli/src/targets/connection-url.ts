// Which URL a command connects with: the database's main URL (`RDS_<NAME>_URL`, what the app
// uses, possibly through a pooler) or its direct URL (`RDS_<NAME>_DIRECT_URL`, straight to the
// server). Every command that touches a database asks here, so they all answer alike.
import {
  declaresTransactionPooler,
  missingUrlError,
  describeTarget,
  resolveDirectUrlSource,
  SessionUnavailableError,
  type DatabaseFolder,
} from '@kusto/db';
import type { CliContext } from '../context.js';
import { CLI_DRIVER_DIRS } from '../driver-dirs.js';
import { CliError } from '../errors.js';
import type { PoolerProbeResult } from '@kusto/migrate';
import { palette } from '../output/colors.js';
import { urlStateOf } from './database-url.js';

/**
 * What a command needs of its connection.
 * - `session`: one server session for the whole run, because it holds Prisma's migration lock
 *   (`pg_advisory_lock`, a session lock): the direct URL when set; else the main URL, unless it
 *   declares a transaction pooler (`pgbouncer=true`: refused) or the probe finds one (refused).
 * - `preferDirect`: the direct URL when set, else the main URL: reads, or work done in one
 *   transaction, which a transaction pooler keeps on one server connection.
 * - `main`: the main URL, as the app connects.
 */
export type ConnectionNeed = 'session' | 'preferDirect' | 'main';

/** The URL a command connects with, and where it came from. `url` is never printed. */
export interface ConnectionUrl {
  readonly database: string;
  /** The database's folder: drivers are looked for upwards from it first (the project's own). */
  readonly folderDir: string;
  /** The variable the URL was read from (`RDS_USER_DIRECT_URL` or `RDS_USER_URL`). */
  readonly envVar: string;
  readonly kind: 'direct' | 'main';
  readonly url: string;
  /** The database's main URL variable, set or not. */
  readonly mainEnvVar: string;
  /** The database's direct URL variable, set or not. */
  readonly directEnvVar: string;
  /**
   * The run needs one session but has only the main URL, with no pooler flag, on Postgres: the
   * pooler probe must clear it before the lock is taken.
   */
  readonly needsProbe: boolean;
}

/** The outcome of {@link chooseConnectionUrl}: a URL, or why there is none (one line, URL never shown). */
export type ConnectionChoice =
  | { readonly state: 'chosen'; readonly connection: ConnectionUrl }
  | { readonly state: 'missing'; readonly problem: string }
  | { readonly state: 'pooled'; readonly problem: string };

/** Picks the URL for `need` from the environment (no I/O; the probe is {@link verifySessions}). */
export function chooseConnectionUrl(folder: DatabaseFolder, env: NodeJS.ProcessEnv, need: ConnectionNeed): ConnectionChoice {
  const main = urlStateOf(folder, env);
  const direct = resolveDirectUrlSource(folder, undefined, env);
  const base = { database: folder.name, folderDir: folder.dir, mainEnvVar: main.envVar, directEnvVar: direct.envVar };
  if (need !== 'main' && direct.url !== undefined) {
    if (need === 'session' && declaresTransactionPooler(direct.url)) {
      return {
        state: 'pooled',
        problem:
          `Database "${folder.name}": ${direct.envVar} has pgbouncer=true, yet it is the direct URL this command needs for one ` +
          `server session. Point ${direct.envVar} at the server itself (not the pooler), without the flag.`,
      };
    }
    return { state: 'chosen', connection: { ...base, envVar: direct.envVar, kind: 'direct', url: direct.url, needsProbe: false } };
  }
  if (main.url === undefined) {
    const or = need === 'main' ? '' : ` (or ${direct.envVar}, which this command uses first)`;
    return { state: 'missing', problem: `Database "${folder.name}" has no URL: set the environment variable ${main.envVar}${or}.` };
  }
  if (need === 'session' && declaresTransactionPooler(main.url)) {
    return { state: 'pooled', problem: new SessionUnavailableError(folder.name, main.envVar, direct.envVar).message };
  }
  const needsProbe = need === 'session' && (folder.schema.provider ?? 'postgresql') === 'postgresql';
  return { state: 'chosen', connection: { ...base, envVar: main.envVar, kind: 'main', url: main.url, needsProbe } };
}

/** `via RDS_USER_DIRECT_URL`: which URL a command used, for result lines. */
export function describeVia(connection: Pick<ConnectionUrl, 'envVar'>): string {
  return `via ${connection.envVar}`;
}

/** The connection as JSON output shows it: variable, kind, redacted target. */
export function connectionReport(connection: ConnectionUrl): { readonly envVar: string; readonly kind: 'direct' | 'main'; readonly target: string } {
  return { envVar: connection.envVar, kind: connection.kind, target: describeTarget(connection.url) };
}

/** Asks whether a URL goes through a transaction pooler (see `probeTransactionPooler` in `@kusto/migrate`). */
export type PoolerProbe = (url: string, options?: { readonly driverDirs?: readonly string[] }) => Promise<PoolerProbeResult>;

/** The real probe, loaded on first use so commands that never need it do not load `pg`. */
export const defaultPoolerProbe: PoolerProbe = async (url, options = {}) => (await import('@kusto/migrate')).probeTransactionPooler({ url, driverDirs: options.driverDirs });

/** The refusal when the probe found a transaction pooler behind a URL without the flag. */
export function probedPoolerProblem(connection: ConnectionUrl, evidence: string): string {
  return (
    `Database "${connection.database}": ${connection.envVar} goes through a transaction pooler (${evidence}), where a session does ` +
    `not outlive one transaction and the migration lock (a session advisory lock) would not hold. Set ${connection.directEnvVar} ` +
    `to a URL that reaches the server directly, and add pgbouncer=true to ${connection.envVar} to skip this probe.`
  );
}

/**
 * Runs the pooler probe on every connection that needs it (in parallel, each bounded by the probe
 * itself) and returns one refusal per transaction pooler found. A probe that cannot decide is a
 * warning (through `warn`), and the run goes on; when it could not even connect (server down,
 * login refused, no answer), it says nothing: the command's own connection fails next and reports
 * the real error.
 */
export async function verifySessions(
  connections: readonly ConnectionUrl[],
  probe: PoolerProbe,
  warn: (line: string) => void,
): Promise<string[]> {
  const probed = await Promise.all(
    connections.filter((connection) => connection.needsProbe).map(async (connection) => ({ connection, result: await probe(connection.url, { driverDirs: [connection.folderDir, ...CLI_DRIVER_DIRS] }) })),
  );
  const problems: string[] = [];
  for (const { connection, result } of probed) {
    if (result.verdict === 'transactionPooler') problems.push(probedPoolerProblem(connection, result.reason));
    else if (result.verdict === 'undecided' && result.connected) {
      warn(
        `${connection.database}: could not tell whether ${connection.envVar} goes through a transaction pooler (${result.reason}); going on. ` +
          `Set ${connection.directEnvVar} to skip this check, or add pgbouncer=true to ${connection.envVar} if it is a transaction pooler.`,
      );
    }
  }
  return problems;
}

/** The variables a Prisma run reads its URL from (see `PrismaRun`). */
export interface PrismaUrlVars {
  /** The variable the folder's config reads (its own `prisma.config.ts`, or the synthesised one). */
  readonly envVar: string;
  /** Set when Prisma must connect with the direct URL instead: the variable holding it. */
  readonly directEnvVar?: string | undefined;
}

/** How Prisma reads a chosen connection. */
export function prismaUrlVars(connection: ConnectionUrl): PrismaUrlVars {
  return connection.kind === 'direct' ? { envVar: connection.mainEnvVar, directEnvVar: connection.directEnvVar } : { envVar: connection.mainEnvVar };
}

/**
 * The connection a Prisma-run command uses on one database, checked as the runner's are: no URL
 * at all is {@link MissingUrlError}; a session need left with a transaction pooler only (by its
 * flag, or by the probe on Postgres) is a {@link CliError} before Prisma starts.
 */
export async function requireConnection(
  folder: DatabaseFolder,
  context: Pick<CliContext, 'env' | 'io' | 'colors' | 'poolerProbe'>,
  need: ConnectionNeed,
): Promise<ConnectionUrl> {
  const choice = chooseConnectionUrl(folder, context.env, need);
  if (choice.state === 'missing') throw missingUrlError(folder, urlStateOf(folder, context.env).envVar);
  if (choice.state === 'pooled') throw new CliError('PRECHECK_FAILED', `${choice.problem}\nNothing was run.`);
  const paint = palette(context.colors);
  const problems = await verifySessions([choice.connection], context.poolerProbe, (line) => context.io.err(`${paint.warn('!')} ${line}`));
  if (problems.length > 0) throw new CliError('PRECHECK_FAILED', `${problems.join('\n')}\nNothing was run.`);
  return choice.connection;
}
