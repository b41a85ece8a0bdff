import { expect, test } from '@jest/globals';
import { defineRoleMethods, isTransactionClient, modelProperty, READ_OPERATIONS, unpackDataPath } from './routing.js';

test('a fluent relation result is picked out of the whole object by its data path', () => {
  const author = { id: 1, posts: [{ id: 7 }], profile: { bio: 'hi', avatar: { url: 'x' } } };
  expect(unpackDataPath(author, [])).toBe(author);
  expect(unpackDataPath(author, undefined)).toBe(author);
  expect(unpackDataPath(author, ['select', 'posts'])).toEqual([{ id: 7 }]);
  expect(unpackDataPath(author, ['select', 'profile', 'select', 'avatar'])).toEqual({ url: 'x' });
  expect(unpackDataPath(null, ['select', 'posts'])).toBeNull();
  expect(unpackDataPath({ profile: null }, ['select', 'profile', 'select', 'avatar'])).toBeNull();
});

test("Prisma's model names become client properties", () => {
  expect(modelProperty('User')).toBe('user');
  expect(modelProperty('UserProfile')).toBe('userProfile');
});

test('only model reads are routed; writes and raw queries are not', () => {
  for (const read of ['findMany', 'findFirst', 'findUnique', 'findUniqueOrThrow', 'findFirstOrThrow', 'count', 'aggregate', 'groupBy']) {
    expect(READ_OPERATIONS.has(read)).toBe(true);
  }
  for (const other of ['create', 'createMany', 'update', 'upsert', 'delete', 'deleteMany', '$queryRaw', '$queryRawUnsafe', '$executeRaw']) {
    expect(READ_OPERATIONS.has(other)).toBe(false);
  }
});

test('role methods are non-enumerable and see the object they are called on', () => {
  const self = (client: object) => client;
  const client = defineRoleMethods({ query: 1 }, { primary: self, replica: self }) as { query: number; $primary(): unknown; $replica(): unknown };
  expect(Object.keys(client)).toEqual(['query']);
  expect(JSON.stringify(client)).toBe('{"query":1}');
  expect(client.$primary()).toBe(client);
  const derived = Object.create(client) as typeof client;
  expect(derived.$replica()).toBe(derived);
});

test('an interactive-transaction client is told apart by the scope symbol Prisma 7 puts on it', () => {
  expect(isTransactionClient({})).toBe(false);
  expect(isTransactionClient(null)).toBe(false);
  expect(isTransactionClient({ [Symbol.for('prisma.client.transaction.scope_context')]: { kind: 'nested' } })).toBe(true);
});
