import { describe, expect, test } from '@jest/globals';
import { classifyError } from '../../connection/classify-error.js';
import { classifySqliteError } from './errors.js';

describe('SQLite result codes', () => {
  test.each([
    ['SQLITE_CANTOPEN', 'connection'],
    ['SQLITE_IOERR_WRITE', 'connection'],
    ['SQLITE_NOTADB', 'connection'],
    ['SQLITE_BUSY', 'timeout'],
    ['SQLITE_BUSY_SNAPSHOT', 'timeout'],
    ['SQLITE_LOCKED', 'timeout'],
    ['SQLITE_READONLY', 'readOnly'],
    ['SQLITE_READONLY_DIRECTORY', 'readOnly'],
    ['SQLITE_PERM', 'auth'],
  ] as const)('%s (better-sqlite3 code) is %s', (code, kind) => {
    expect(classifySqliteError({ code })).toBe(kind);
    expect(classifyError(Object.assign(new Error('x'), { code }))).toBe(kind);
  });

  test.each([
    [14, 'connection'],
    [5, 'timeout'],
    [261, 'timeout'], // SQLITE_BUSY_RECOVERY
    [8, 'readOnly'],
    [1032, 'readOnly'], // SQLITE_READONLY_DBMOVED
  ] as const)('the adapter\'s { kind: "sqlite", extendedCode: %i } is %s', (extendedCode, kind) => {
    expect(classifyError({ meta: { driverAdapterError: { cause: { kind: 'sqlite', extendedCode, message: 'x' } } } })).toBe(kind);
  });

  test('constraint and syntax errors are query errors; codes that are not SQLite\'s are left alone', () => {
    expect(classifyError(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }))).toBe('query');
    expect(classifyError(Object.assign(new Error('x'), { code: 'SQLITE_ERROR' }))).toBe('query');
    expect(classifySqliteError({ code: 'SQLITE_BUSYNESS' })).toBeUndefined();
    expect(classifySqliteError({ code: 'EBUSY' })).toBeUndefined();
  });

  test('the adapter maps SQLITE_BUSY to SocketTimeout, a timeout', () => {
    expect(classifyError({ meta: { driverAdapterError: { cause: { kind: 'SocketTimeout' } } } })).toBe('timeout');
  });
});
