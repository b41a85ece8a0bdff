import { expect, test } from '@jest/globals';
import { redactUrl, scrubSecrets } from './redact-url.js';

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
