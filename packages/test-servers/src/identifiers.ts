import { TestServerError } from './errors.js';

const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/;

/** Throws unless `name` is a plain database name: letters, digits, `_` and `-`, at most 63 characters. */
export function assertDatabaseName(name: string): void {
  if (!DATABASE_NAME.test(name)) {
    throw new TestServerError(
      `Invalid database name ${JSON.stringify(name)}: use letters, digits, "_" or "-", start with a letter or "_", at most 63 characters.`,
      'INVALID_NAME',
    );
  }
}

/** Quotes an identifier for SQL (doubles embedded quotes). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
