import { expect, test } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, sharedServerUrl } from './testing.js';

test('each createTestDatabase call gets its own database on the shared server, and drop removes it', async () => {
  const a = await createTestDatabase('Alpha Files');
  const b = await createTestDatabase('alpha files');
  expect(a.name).toMatch(/^alpha_files_[0-9a-f]{8}$/);
  expect(a.name).not.toBe(b.name);

  const client = new pg.Client({ connectionString: a.url });
  await client.connect();
  expect((await client.query('SELECT current_database() AS db')).rows).toEqual([{ db: a.name }]);
  await client.end();

  await a.drop();
  await b.drop();
  const admin = new pg.Client({ connectionString: sharedServerUrl() });
  await admin.connect();
  const left = await admin.query('SELECT datname FROM pg_database WHERE datname = ANY($1)', [[a.name, b.name]]);
  await admin.end();
  expect(left.rowCount).toBe(0);
});

test('sharedServerUrl explains what to do when the global setup did not run', () => {
  expect(() => sharedServerUrl({})).toThrow(/KUSTO_TEST_PG_URL is not set/);
});
