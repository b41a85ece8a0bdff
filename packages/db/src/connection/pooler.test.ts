import { expect, test } from '@jest/globals';
import { declaresTransactionPooler, takePoolerFlag } from './pooler.js';

test.each([
  ['postgresql://u:p@h:6432/d?pgbouncer=true', true],
  ['postgresql://u:p@h:6432/d?pgbouncer=TRUE&sslmode=require', true],
  ['postgresql://u:p@h:6432/d?pgbouncer=1', true],
  ['postgresql://u:p@h:6432/d?pgbouncer=false', false],
  ['postgresql://u:p@h:5432/d', false],
  ['not a url', false],
])('%s declares a transaction pooler: %s', (url, expected) => {
  expect(declaresTransactionPooler(url)).toBe(expected);
});

test('taking the flag removes it from the parameters', () => {
  const params = new URLSearchParams('pgbouncer=true&sslmode=require');
  expect(takePoolerFlag(params)).toBe(true);
  expect(params.toString()).toBe('sslmode=require');
});
