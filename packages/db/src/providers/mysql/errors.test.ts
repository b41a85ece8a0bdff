import { constants as osConstants } from 'node:os';
import { describe, expect, test } from '@jest/globals';
import { classifyError } from '../../connection/classify-error.js';
import { classifyMysqlError, mysqlErrorKind } from './errors.js';

/** A `mariadb` SqlError as the connector builds it (errno, sqlState, sqlMessage, code). */
const sqlError = (errno: number, code: string) => Object.assign(new Error(code), { errno, code, sqlState: 'HY000', sqlMessage: code, fatal: true });

/** Prisma's wrapping of an adapter error: `meta.driverAdapterError.cause` is the adapter's mapped object. */
const wrapped = (cause: object) => Object.assign(new Error('Invalid invocation'), { code: 'P2010', meta: { driverAdapterError: { cause } } });

describe('MySQL/MariaDB error numbers', () => {
  test.each([
    [1040, 'connection'],
    [1049, 'connection'],
    [1053, 'connection'],
    [1927, 'connection'],
    [2002, 'connection'],
    [2003, 'connection'],
    [2013, 'connection'],
    [4031, 'connection'],
    [1045, 'auth'],
    [1044, 'auth'],
    [1698, 'auth'],
    [1290, 'readOnly'],
    [1836, 'readOnly'],
    [1969, 'timeout'],
    [3024, 'timeout'],
    [45009, 'connection'],
    [45037, 'connection'],
    [45027, 'connection'],
    [45061, 'connection'],
    [45012, 'timeout'],
    [45028, 'timeout'],
    [45026, 'timeout'],
  ] as const)('%i is %s', (errno, kind) => {
    expect(mysqlErrorKind(errno)).toBe(kind);
    expect(classifyError(sqlError(errno, `E${errno}`))).toBe(kind);
    expect(classifyError(wrapped({ kind: 'mysql', code: errno, message: 'm', state: 'HY000' }))).toBe(kind);
  });

  test('query errors stay query errors: duplicate key, syntax, lock wait', () => {
    for (const errno of [1062, 1064, 1205, 1146]) {
      expect(classifyError(sqlError(errno, `E${errno}`))).toBe('query');
      expect(classifyError(wrapped({ kind: 'mysql', code: errno }))).toBe('query');
    }
  });

  test('by number only, never by message; a Node system errno (negative) is not a MySQL number', () => {
    expect(classifyMysqlError({ errno: 1045, sqlState: '28000', message: 'anything' })).toBe('auth');
    expect(classifyMysqlError({ message: 'Access denied for user', sqlState: '28000' })).toBeUndefined();
    expect(classifyMysqlError({ errno: -111, sqlState: null })).toBeUndefined();
    expect(classifyMysqlError({ errno: 1045 })).toBeUndefined();
  });

  test('a pool timeout whose cause is a refused connection is a timeout of its own (the outer code wins)', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', errno: 45012 });
    const timeout = Object.assign(sqlError(45028, 'ER_GET_CONNECTION_TIMEOUT'), { cause: refused });
    expect(classifyError(timeout)).toBe('timeout');
  });
});

describe('a socket error the connector passes through (negative OS errno)', () => {
  test('what the adapter keeps of connect ECONNREFUSED is a connection failure; ETIMEDOUT a timeout', () => {
    // mariadb 3.4.5's createConnection rejects with { errno: -111, sqlState: 'HY000', code: 'ECONNREFUSED' } on a
    // refused port (seen; its code is read by classifyError); the adapter maps it to this, with the number alone.
    expect(classifyError({ errno: -111, sqlState: 'HY000', code: 'ECONNREFUSED' })).toBe('connection');
    expect(classifyMysqlError({ kind: 'mysql', code: -111, originalCode: '-111' })).toBe('connection');
    expect(classifyMysqlError({ kind: 'mysql', code: -osConstants.errno.ETIMEDOUT })).toBe('timeout');
    expect(classifyMysqlError({ kind: 'mysql', code: 1064 })).toBeUndefined();
  });
});
