import { InvalidDatabaseNameError } from '../errors.js';

/** Folder names that can be a database: a letter first, then letters, digits, `_` or `-`. */
const DATABASE_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Throws {@link InvalidDatabaseNameError} unless `name` can name a database folder. */
export function assertDatabaseName(name: string): void {
  if (DATABASE_NAME.test(name)) return;
  let reason: string;
  if (name === '') reason = 'it is empty';
  else if (name.includes('/') || name.includes('\\')) reason = 'it contains a path separator';
  else if (name === '.' || name === '..') reason = 'it refers to a folder, not a name';
  else if (!/^[A-Za-z]/.test(name)) reason = 'it must start with a letter';
  else reason = 'only letters, digits, "_" and "-" are allowed';
  throw new InvalidDatabaseNameError(name, reason);
}

/**
 * The environment variable that holds a database's URL: `RDS_<NAME>_URL`, where camelCase
 * boundaries and dashes become `_` and everything is upper-cased.
 *
 * @example envVarForDatabase('analyticsEvents') === 'RDS_ANALYTICS_EVENTS_URL'
 * @example envVarForDatabase('read-replica') === 'RDS_READ_REPLICA_URL'
 */
export function envVarForDatabase(name: string, suffix = 'URL'): string {
  assertDatabaseName(name);
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/-+/g, '_')
    .toUpperCase();
  return `RDS_${snake}_${suffix}`;
}

/**
 * The variable that holds a database's direct URL, for work that needs a whole server session
 * (migrations, session advisory locks, `LISTEN`) when the main URL goes through a pooler.
 *
 * @example directEnvVarForDatabase('user') === 'RDS_USER_DIRECT_URL'
 */
export function directEnvVarForDatabase(name: string): string {
  return envVarForDatabase(name, 'DIRECT_URL');
}

/**
 * The variable that holds a database's read replica URLs (one, or several separated by commas
 * and/or whitespace): reads go to the replicas, everything else to the primary.
 *
 * @example readEnvVarForDatabase('user') === 'RDS_USER_READ_URL'
 */
export function readEnvVarForDatabase(name: string): string {
  return envVarForDatabase(name, 'READ_URL');
}
