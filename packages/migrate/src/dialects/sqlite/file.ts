import path from 'node:path';

/**
 * The file a Prisma SQLite URL names (`file:./dev.db`, `file:/abs/dev.db`, `file:dev.db?mode=…`),
 * relative paths resolved against `baseDir` (the database folder, as Prisma resolves them against
 * the schema's folder). `:memory:` stays as it is.
 */
export function sqliteFilePath(url: string, baseDir: string): string {
  const withoutScheme = url.replace(/^file:/, '').replace(/^\/\/(?=\/)/, '');
  const file = decodeURIComponent(withoutScheme.split('?')[0] ?? '');
  if (file === ':memory:' || path.isAbsolute(file)) return file;
  return path.resolve(baseDir, file);
}

/**
 * A time as SQLite holds it in `_prisma_migrations` into a `Date`: the ISO text Prisma's engine
 * writes through its driver adapter (`2024-01-01T00:00:00.000+00:00`), SQLite's own
 * `current_timestamp` text (`2024-01-01 00:00:00`, UTC), or Unix milliseconds.
 */
export function sqliteTime(value: Date | string | number): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(value)) return new Date(`${value.replace(' ', 'T')}Z`);
  if (/^\d+$/.test(value)) return new Date(Number(value));
  return new Date(value);
}

/** A `Date` as our rows store it on SQLite: what Prisma's engine writes through the adapter. */
export function sqliteTimeText(date: Date): string {
  return date.toISOString().replace('Z', '+00:00');
}
