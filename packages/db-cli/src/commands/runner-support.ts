// What the native-runner commands (deploy, status, rollback, seed, execute) share: the checks that
// run before anything touches a database, and how runner errors are shown. The runner itself
// (which loads `pg`) is imported lazily, so `kusto-db list` and `--help` stay fast.
import { parseDatabaseUrl, scrubSecrets, type DatabaseFolder } from '@kusto/db';
import type { CliContext } from '../context.js';
import type * as RunnerModule from '../migrations/index.js';
import { CliError } from '../errors.js';
import { urlStateOf } from '../targets/database-url.js';

/** The migration runner library, loaded on first use. */
export type Runner = typeof RunnerModule;

export async function loadRunner(): Promise<Runner> {
  return import('../migrations/index.js');
}

/** A database the runner may work on: its folder, URL variable and URL (never print `url`). */
export interface RunnerTarget {
  readonly folder: DatabaseFolder;
  readonly envVar: string;
  readonly url: string;
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
 * Checks every database before any of them is touched: its URL variable is set and the runner
 * supports its provider. Throws one {@link CliError} naming every problem (one line each), so a
 * missing variable for the third database stops the command before the first one changes.
 */
export async function prepareRunnerTargets(folders: readonly DatabaseFolder[], context: Pick<CliContext, 'env'>): Promise<RunnerTarget[]> {
  const { MIGRATION_PROVIDERS } = await loadRunner();
  const problems: string[] = [];
  const targets: RunnerTarget[] = [];
  for (const folder of folders) {
    const { envVar, url } = urlStateOf(folder, context.env);
    const provider = folder.schema.provider ?? 'postgresql';
    const urlProblem = url === undefined ? undefined : invalidUrl(folder.name, provider, url, envVar);
    if (url === undefined) {
      problems.push(`Database "${folder.name}" has no URL: set the environment variable ${envVar}.`);
    } else if (urlProblem !== undefined) {
      problems.push(urlProblem);
    } else if (!Object.hasOwn(MIGRATION_PROVIDERS, provider)) {
      problems.push(
        `Database "${folder.name}" uses provider "${provider}", which the native migration runner does not support ` +
          `(supported: ${Object.keys(MIGRATION_PROVIDERS).join(', ')}).`,
      );
    } else {
      targets.push({ folder, envVar, url });
    }
  }
  if (problems.length > 0) throw new CliError('PRECHECK_FAILED', `${problems.join('\n')}\nNothing was run.`);
  return targets;
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
 * The lines that explain a runner error: its message, then the failing statement (indented) when
 * the database rejected one. The URL's password is removed from every line.
 */
export function describeRunnerError(error: Error, url: string): string[] {
  const lines = [scrubSecrets(error.message, url)];
  if (hasStatement(error)) {
    lines.push(`Failing statement (${error.file}:${error.line}):`);
    for (const line of scrubSecrets(error.statement, url).split('\n')) lines.push(`    ${line}`);
  }
  return lines;
}
