import { expect, test } from '@jest/globals';
import { InvalidUrlError } from '../errors.js';
import { parseDatabaseUrl } from './database-url.js';

test('maps connection_limit, pool_timeout and connect_timeout and strips them from the URL', () => {
  const parsed = parseDatabaseUrl(
    'user',
    'postgresql',
    'postgresql://app:secret@db:5432/user?connection_limit=3&pool_timeout=20&connect_timeout=5&sslmode=require&schema=app',
    'RDS_USER_URL',
  );
  expect(parsed.pool).toEqual({ max: 3, connectionTimeoutMillis: 20_000 });
  expect(parsed.schema).toBe('app');
  expect(parsed.url).toBe('postgresql://app:secret@db:5432/user?sslmode=require');
});

test('zero timeouts mean "use the default" rather than "wait forever"', () => {
  expect(parseDatabaseUrl('user', 'postgresql', 'postgres://h/d?pool_timeout=0', 'X').pool).toEqual({});
});

test.each([
  ['not a url', /does not parse as a URL/],
  ['mysql://h/d', /scheme "mysql:" does not match provider "postgresql"/],
  ['postgresql://h/d?connection_limit=0', /connection_limit must be a whole number/],
  ['postgresql://h/d?pool_timeout=soon', /pool_timeout="soon" must be a non-negative number/],
])('rejects %s with a message that names the variable', (url, problem) => {
  expect(() => parseDatabaseUrl('user', 'postgresql', url, 'RDS_USER_URL')).toThrow(InvalidUrlError);
  expect(() => parseDatabaseUrl('user', 'postgresql', url, 'RDS_USER_URL')).toThrow(problem);
  expect(() => parseDatabaseUrl('user', 'postgresql', url, 'RDS_USER_URL')).toThrow(/from RDS_USER_URL/);
});

test('an invalid URL never appears in the error, since it may hold a password', () => {
  const secretish = 'postgresql://app:hunter2@[bad';
  expect(() => parseDatabaseUrl('user', 'postgresql', secretish, 'RDS_USER_URL')).toThrow(
    expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
  );
});

test('a password with an unencoded "/" (an "@" after the host part) is a configuration error that says to percent-encode it', () => {
  for (const [provider, raw] of [
    ['postgresql', 'postgresql://app:5432/LEAKpw@db.example:5432/user'],
    ['mysql', 'mysql://app:3306/LEAKpw@db.example:3306/shop'],
  ] as const) {
    let thrown: unknown;
    try {
      parseDatabaseUrl('user', provider, raw, 'RDS_USER_URL');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'INVALID_URL', message: expect.stringContaining('percent-encode the password') });
    expect((thrown as Error).message).not.toContain('LEAKpw');
  }
});

test('a URL that does not parse gets the example of its own provider', () => {
  expect(() => parseDatabaseUrl('shop', 'mysql', 'mysql://app:pw@[bad', 'RDS_SHOP_URL')).toThrow(/expected e\.g\. mysql:\/\/user:password@host:3306\/name/);
});

test('sqlite file URLs pass through untouched', () => {
  expect(parseDatabaseUrl('local', 'sqlite', 'file:./dev.db', 'X')).toEqual({ url: 'file:./dev.db', pool: {}, schema: undefined, transactionPooler: false });
});

test('pgbouncer=true marks a transaction pooler and is kept from the driver', () => {
  const parsed = parseDatabaseUrl('user', 'postgresql', 'postgresql://app:secret@bouncer:6432/user?pgbouncer=true&sslmode=require', 'RDS_USER_URL');
  expect(parsed.transactionPooler).toBe(true);
  expect(parsed.url).toBe('postgresql://app:secret@bouncer:6432/user?sslmode=require');
  expect(parseDatabaseUrl('user', 'postgresql', 'postgresql://h/d?pgbouncer=false', 'X').transactionPooler).toBe(false);
  expect(parseDatabaseUrl('user', 'postgresql', 'postgresql://h/d', 'X').transactionPooler).toBe(false);
});
