import type { FailureKind } from '../../connection/classify-error.js';

/**
 * SQLite result codes (https://www.sqlite.org/rescode.html), as better-sqlite3 names them
 * (`SQLITE_CANTOPEN`, extended ones such as `SQLITE_BUSY_SNAPSHOT` start with the primary name)
 * and as `@prisma/adapter-better-sqlite3` passes them on (`{ kind: 'sqlite', extendedCode }`):
 * - connection: CANTOPEN (14, the file or its folder cannot be opened), IOERR (10), NOTADB (26),
 *   CORRUPT (11), FULL (13);
 * - timeout: BUSY (5, another connection holds the lock past the busy timeout), LOCKED (6);
 * - read-only: READONLY (8, the file or its folder is not writable);
 * - auth: PERM (3), AUTH (23).
 */
const PRIMARY_CODES: Readonly<Record<number, readonly [string, FailureKind]>> = {
  14: ['SQLITE_CANTOPEN', 'connection'],
  10: ['SQLITE_IOERR', 'connection'],
  26: ['SQLITE_NOTADB', 'connection'],
  11: ['SQLITE_CORRUPT', 'connection'],
  13: ['SQLITE_FULL', 'connection'],
  5: ['SQLITE_BUSY', 'timeout'],
  6: ['SQLITE_LOCKED', 'timeout'],
  8: ['SQLITE_READONLY', 'readOnly'],
  3: ['SQLITE_PERM', 'auth'],
  23: ['SQLITE_AUTH', 'auth'],
};

const BY_NAME = Object.values(PRIMARY_CODES);

function kindOfName(code: string): FailureKind | undefined {
  for (const [name, kind] of BY_NAME) if (code === name || code.startsWith(`${name}_`)) return kind;
  return undefined;
}

/** A better-sqlite3 `SqliteError` (`code`), or the adapter's mapped `{ kind: 'sqlite', extendedCode }`. */
export function classifySqliteError(value: Readonly<Record<string, unknown>>): FailureKind | undefined {
  for (const key of ['code', 'originalCode']) {
    const code = value[key];
    if (typeof code === 'string' && code.startsWith('SQLITE_')) {
      const kind = kindOfName(code);
      if (kind) return kind;
    }
  }
  if (value.kind === 'sqlite' && typeof value.extendedCode === 'number') {
    return PRIMARY_CODES[value.extendedCode & 0xff]?.[1];
  }
  return undefined;
}
