import { envVarForDatabase, MissingUrlError, type DatabaseFolder } from '@kusto/db';
import fs from 'node:fs';

/** `url: env('X')`, `url: process.env.X` or `url: process.env['X']` in a prisma.config file. */
const CONFIG_URL_REFERENCE = /\burl\s*:\s*(?:env\(\s*|process\.env\.|process\.env\[\s*)["'`]?([A-Za-z_][A-Za-z0-9_]*)/;

/**
 * The environment variable holding a database's URL: the one a Prisma 6 style `url = env("X")`
 * names, else the one the folder's `prisma.config.ts` gives as `url`, else `RDS_<NAME>_URL`.
 */
export function urlEnvVarOf(folder: DatabaseFolder): string {
  if (folder.schema.urlEnv) return folder.schema.urlEnv;
  if (folder.prismaConfigPath) {
    const match = CONFIG_URL_REFERENCE.exec(fs.readFileSync(folder.prismaConfigPath, 'utf8'));
    if (match?.[1]) return match[1];
  }
  return envVarForDatabase(folder.name);
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
  if (state.url === undefined) throw new MissingUrlError(folder.name, state.envVar);
  return state;
}
