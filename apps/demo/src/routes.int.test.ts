import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKustoDb, type KustoDb } from '@kusto/db';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
import { createDemoApp } from './app.js';
import { prepareDatabases } from './prepare-databases.js';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let user: TestDatabase;
let temporary: TestDatabase;
let manager: KustoDb;
let server: Server;
let base: string;

beforeAll(async () => {
  [user, temporary] = await Promise.all([createTestDatabase('demo_routes_user'), createTestDatabase('demo_routes_tmp')]);
  const env = { ...process.env, RDS_USER_URL: user.url, RDS_TEMPORARY_URL: temporary.url };
  manager = createKustoDb({ cwd: appDir, env, profile: 'traditional' });
  await prepareDatabases(manager, env, () => undefined);
  const { app } = createDemoApp(manager, { log: false });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await manager?.disconnectAll();
  await Promise.all([user?.drop(), temporary?.drop()]);
});

const json = (method: string, body: unknown) => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

async function counts(): Promise<{ users: number; posts: number; liveTemporaryItems: number }> {
  return (await (await fetch(`${base}/overview`)).json()) as { users: number; posts: number; liveTemporaryItems: number };
}

test('first start seeds both databases', async () => {
  expect(await counts()).toEqual({ users: 2, posts: 2, liveTemporaryItems: 1 });
});

test('users and posts: create, read, update, list, delete', async () => {
  const created = await fetch(`${base}/users`, json('POST', { email: 'linus@example.com', name: 'Linus', bio: 'Kernel' }));
  expect(created.status).toBe(201);
  const user = (await created.json()) as { id: number; profile: { bio: string } };
  expect(user.profile.bio).toBe('Kernel');

  const post = await fetch(`${base}/users/${user.id}/posts`, json('POST', { title: 'Hello', body: 'First post', published: true }));
  expect(post.status).toBe(201);
  const read = (await (await fetch(`${base}/users/${user.id}`)).json()) as { name: string; posts: { title: string }[] };
  expect(read).toMatchObject({ name: 'Linus', posts: [{ title: 'Hello' }] });

  const updated = await fetch(`${base}/users/${user.id}`, json('PATCH', { bio: 'Git too' }));
  expect(((await updated.json()) as { profile: { bio: string } }).profile.bio).toBe('Git too');
  const published = (await (await fetch(`${base}/posts?published=true`)).json()) as unknown[];
  expect(published).toHaveLength(3);

  expect((await fetch(`${base}/users/${user.id}`, { method: 'DELETE' })).status).toBe(204);
  expect((await fetch(`${base}/users/${user.id}`)).status).toBe(404);
  expect(await counts()).toMatchObject({ users: 2, posts: 2 });
});

test('temporary items: create, list the live ones, expire the old ones', async () => {
  const created = await fetch(`${base}/temporary`, json('POST', { kind: 'upload', payload: { name: 'a.txt' }, ttlSeconds: 60 }));
  expect(created.status).toBe(201);
  const live = (await (await fetch(`${base}/temporary`)).json()) as { kind: string }[];
  expect(live.map((item) => item.kind)).toEqual(['upload', 'upload']);
  const expired = (await (await fetch(`${base}/temporary/expire`, { method: 'POST' })).json()) as { expired: number };
  expect(expired).toEqual({ expired: 1 }); // the seeded, already expired session
});

test('a duplicate email is a 409, not a 500', async () => {
  const response = await fetch(`${base}/users`, json('POST', { email: 'ada@example.com', name: 'Ada again' }));
  expect(response.status).toBe(409);
});

describe('invalid input is a 400 with a message, and nothing is written', () => {
  test.each([
    ['POST', '/users', { email: 'not-an-email', name: 'X' }, 'email'],
    ['POST', '/users', { email: 'x@example.com', name: '' }, 'name'],
    ['POST', '/users', { email: 'x@example.com' }, 'name'],
    ['POST', '/users', '{"email": broken json', undefined],
    ['PATCH', '/users/1', {}, 'user update'],
    ['PATCH', '/users/abc', { name: 'Y' }, 'id'],
    ['POST', '/users/1/posts', { title: '', body: 'b' }, 'title'],
    ['POST', '/users/1/posts', { title: 't', body: 'b', published: 'yes' }, 'published'],
    ['POST', '/temporary', { kind: 'x', ttlSeconds: 0 }, 'ttlSeconds'],
    ['POST', '/temporary', { kind: 'x', ttlSeconds: 'soon' }, 'ttlSeconds'],
    ['POST', '/temporary', { ttlSeconds: 10 }, 'kind'],
    ['GET', '/posts?published=maybe', undefined, 'published'],
    ['GET', '/users/0', undefined, 'id'],
  ])('%s %s %j', async (method, route, body, field) => {
    const before = await counts();
    const response = await fetch(`${base}${route}`, body === undefined ? { method } : json(method, body));
    expect(response.status).toBe(400);
    const payload = (await response.json()) as { error: string; issues?: { path: string; message: string }[] };
    expect(payload.error).toMatch(/^Invalid /);
    if (field) expect(payload.issues?.map((issue) => issue.path)).toContain(field);
    expect(await counts()).toEqual(before);
  });
});
