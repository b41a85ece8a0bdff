import { describe, expect, test } from '@jest/globals';
import { describeTarget, INVALID_URL_TARGET, MISENCODED_URL_TARGET, redactUrl, scrubSecrets } from './redact-url.js';

test('redactUrl hides the password and password-like parameters', () => {
  expect(redactUrl('postgresql://app:s3cr%40t@db.example:5432/user?sslmode=require&sslpassword=x')).toBe(
    'postgresql://app:****@db.example:5432/user?sslmode=require&sslpassword=****',
  );
  expect(redactUrl('postgresql://app@db/user')).toBe('postgresql://app@db/user');
});

test('redactUrl does not echo text that is not a URL', () => {
  expect(redactUrl('hunter2')).toBe('<invalid url>');
});

test('scrubSecrets removes the URL and its decoded password from driver text', () => {
  const url = 'postgresql://app:p%40ss@h:5432/d';
  expect(scrubSecrets(`cannot reach ${url}; password p@ss rejected`, url)).toBe(
    'cannot reach postgresql://app:****@h:5432/d; password **** rejected',
  );
});

describe('describeTarget: scheme, host, port and database only', () => {
  test('no user, password or parameter value; parameter names at most', () => {
    expect(describeTarget('postgresql://app:s3cr%40t@db.example:5432/user?sslmode=require&sslpassword=x')).toBe(
      'postgresql://db.example:5432/user?sslmode&sslpassword',
    );
    expect(describeTarget('mysql://app:pw@127.0.0.1:3306/shop?sslkey=-----BEGIN%20KEY-----abc&sslcert=/etc/c.pem')).toBe(
      'mysql://127.0.0.1:3306/shop?sslkey&sslcert',
    );
    expect(describeTarget('postgresql://db.example/user')).toBe('postgresql://db.example/user');
    expect(describeTarget('sqlserver://db.example:1433;database=shop;user=sa;password=Secret1')).toBe('sqlserver://db.example:1433/shop?user&password');
    expect(describeTarget('hunter2')).toBe(INVALID_URL_TARGET);
  });

  test('a password with an unencoded "/" after digits is never shown as host, port or path', () => {
    const leaky = 'postgresql://app:5432/LEAKpw@db.example:5432/user';
    expect(describeTarget(leaky)).toBe(MISENCODED_URL_TARGET);
    expect(redactUrl(leaky)).toBe(MISENCODED_URL_TARGET);
    expect(describeTarget('postgresql://app:5432?LEAKpw@db.example/user')).toBe(MISENCODED_URL_TARGET);
    expect(describeTarget('mysql://app:12#LEAKpw@db.example/user')).toBe(MISENCODED_URL_TARGET);
    expect(scrubSecrets(`failed for ${leaky}`, leaky)).not.toContain('LEAKpw');
  });

  test('a SQLite file URL is shown as written (relative to the database folder), not as a file at the root', () => {
    expect(describeTarget('file:./cache.db')).toBe('file:./cache.db');
    expect(describeTarget('file:./cache.db?connection_limit=1')).toBe('file:./cache.db?connection_limit');
    expect(describeTarget('file:/var/data/app.db')).toBe('file:/var/data/app.db');
  });
});
