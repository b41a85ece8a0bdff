import { missingUrlError, resolveUrlSource, type DatabaseFolder } from '@kusto/db';

/**
 * The environment variable holding a database's URL, as `@kusto/db` resolves it for the app (the
 * schema's legacy `env("X")`, else the variable the folder's `prisma.config.ts` reads, else
 * `RDS_<NAME>_URL`): the CLI and the app always agree.
 */
export function urlEnvVarOf(folder: DatabaseFolder): string {
  return resolveUrlSource(folder, undefined, {}).envVar;
}

export interface DatabaseUrlState {
  readonly envVar: string;
  /** The URL, or undefined when the variable is unset or empty. Never print it unredacted. */
  readonly url: string | undefined;
}

export function urlStateOf(folder: DatabaseFolder, env: NodeJS.ProcessEnv): DatabaseUrlState {
  const envVar = urlEnvVarOf(folder);
  const value = env[envVar];
  return { envVar, url: value === undefined || value === '' ? undefined : value };
}

/** Throws {@link MissingUrlError} unless the database's URL variable is set. */
export function requireUrl(folder: DatabaseFolder, env: NodeJS.ProcessEnv): DatabaseUrlState {
  const state = urlStateOf(folder, env);
  if (state.url === undefined) throw missingUrlError(folder, state.envVar);
  return state;
}
