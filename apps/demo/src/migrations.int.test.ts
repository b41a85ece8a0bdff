import { afterAll, beforeAll, expect, test } from '@jest/globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { discoverDatabases } from '@kusto/db';
import { createMigrator, migratorOptionsForFolder } from '@kusto/migrate';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const folders = discoverDatabases({ cwd: appDir }).databases;
const databases: Record<string, TestDatabase> = {};

beforeAll(async () => {
  for (const name of folders.keys()) databases[name] = await createTestDatabase(`demo_migrations_${name}`);
});

afterAll(async () => {
  await Promise.all(Object.values(databases).map((database) => database.drop()));
});

async function tables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
        AND table_name NOT LIKE '\\_kusto%' ORDER BY table_name`,
    );
    return result.rows.map((row) => row.table_name);
  } finally {
    await client.end();
  }
}

test.each([...folders.keys()])('the %s migrations deploy, roll back fully with their down.sql, and deploy again', async (name) => {
  const folder = folders.get(name)!;
  const url = databases[name]!.url;
  const migrator = createMigrator(migratorOptionsForFolder(folder, url));

  const first = await migrator.deploy();
  expect(first).toMatchObject({ ok: true, outcome: 'applied' });
  const applied = first.results.map((result) => result.name);
  expect(applied.length).toBeGreaterThan(0);
  const withAll = await tables(url);
  expect(withAll.length).toBeGreaterThan(0);

  const back = await migrator.rollback({ steps: applied.length });
  expect(back.ok).toBe(true);
  expect(await tables(url)).toEqual([]);
  expect((await migrator.status()).counts.pending).toBe(applied.length);

  const again = await migrator.deploy();
  expect(again).toMatchObject({ ok: true, outcome: 'applied' });
  expect(await tables(url)).toEqual(withAll);
  expect((await migrator.status()).upToDate).toBe(true);
});
