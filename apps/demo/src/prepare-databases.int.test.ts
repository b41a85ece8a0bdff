import { afterAll, beforeAll, expect, test } from '@jest/globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createKustoDb, SessionUnavailableError } from '@kusto/db';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
import { prepareDatabases } from './prepare-databases.js';

// Migrations need a session (the runner holds Prisma's advisory lock across statements), so behind
// a transaction pooler the demo migrates through RDS_<NAME>_DIRECT_URL and never through the pooler.

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** A pooler URL nothing listens on: any attempt to migrate through it would fail to connect. */
const DEAD_POOLER = 'postgresql://app:secret@127.0.0.1:1/nowhere?pgbouncer=true';
let user: TestDatabase;
let temporary: TestDatabase;

beforeAll(async () => {
  [user, temporary] = await Promise.all([createTestDatabase('demo_prepare_user'), createTestDatabase('demo_prepare_tmp')]);
});

afterAll(async () => {
  await Promise.all([user?.drop(), temporary?.drop()]);
});

async function tables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
    return rows.map((row) => row.name);
  } finally {
    await client.end();
  }
}

test('a pgbouncer=true URL without a direct URL is refused before any database is touched', async () => {
  const env = { RDS_USER_URL: DEAD_POOLER, RDS_TEMPORARY_URL: temporary.url };
  const manager = createKustoDb({ cwd: appDir, env });
  try {
    const failure = prepareDatabases(manager, env, () => undefined);
    await expect(failure).rejects.toBeInstanceOf(SessionUnavailableError);
    await expect(failure).rejects.toThrow(/RDS_USER_DIRECT_URL/);
  } finally {
    await manager.disconnectAll();
  }
  // temporary sorts first: had the check not come before any migration, it would have been migrated.
  expect(await tables(temporary.url)).toEqual([]);
});

test('with a direct URL, migrations and the seed run through it, not through the pooled URL', async () => {
  const env = {
    ...process.env,
    RDS_USER_URL: DEAD_POOLER,
    RDS_USER_DIRECT_URL: user.url,
    RDS_TEMPORARY_URL: temporary.url,
  };
  const manager = createKustoDb({ cwd: appDir, env });
  const lines: string[] = [];
  try {
    await prepareDatabases(manager, env, (line) => lines.push(line));
  } finally {
    await manager.disconnectAll();
  }
  expect(await tables(user.url)).toEqual(expect.arrayContaining(['User', '_prisma_migrations']));
  expect(lines.join('\n')).toMatch(/user: applied/);
  expect(lines.join('\n')).not.toContain('secret');
});
