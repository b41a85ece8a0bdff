import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { EXECUTE_BATCH_ROWS, executeSql, streamSql } from './execute-sql.js';
import { DIALECT_HARNESSES, harnessTitle, type DialectHarness, type HarnessDatabase } from './test-support/dialects.js';

// executeSql / streamSql on every provider against a real server: read-only by default in the
// dialect's own way, writes with `write`, rows streamed in batches.

const ROWS = 2_500;

/** A query returning `count` numbered rows, in the dialect. */
function series(provider: DialectHarness['provider'], count: number): string {
  if (provider === 'postgresql') return `SELECT n FROM generate_series(1, ${count}) AS n`;
  // MariaDB stops a recursive CTE after 1000 iterations by default: a cross join of two short ones.
  if (provider === 'mysql')
    return `WITH RECURSIVE d(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < 99) SELECT a.n * 100 + b.n + 1 AS n FROM d a CROSS JOIN d b WHERE a.n * 100 + b.n < ${count} ORDER BY 1`;
  return `WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${count}) SELECT n FROM s`;
}

describe.each(DIALECT_HARNESSES.map((harness) => [harnessTitle(harness), harness] as const))('executeSql on %s', (_title, harness) => {
  const suite = harness.skip === undefined ? describe : describe.skip;
  suite('against a real server', () => {
    let database: HarnessDatabase;
    const provider = harness.provider;
    beforeAll(async () => {
      await harness.start();
      database = await harness.create('execute');
      const created = await executeSql({ url: database.url, provider, write: true, sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(100)); INSERT INTO notes VALUES (1, \'a;b\'), (2, \'c\')' });
      expect(created.error).toBeUndefined();
    }, 60_000);
    afterAll(async () => {
      await database.drop();
      await harness.stop();
    });

    test('reads rows, with several statements split as the dialect reads them', async () => {
      const result = await executeSql({ url: database.url, provider, sql: "SELECT body FROM notes WHERE body = 'a;b'; SELECT id FROM notes ORDER BY id" });
      expect(result.error).toBeUndefined();
      expect(result.statements[0]!.rows).toEqual([{ body: 'a;b' }]);
      expect(result.rows.map((row) => Number(row['id']))).toEqual([1, 2]);
      expect(result.fields.map((field) => field.name)).toEqual(['id']);
    });

    test('is read-only by default: a write fails, and nothing changes', async () => {
      const insert = await executeSql({ url: database.url, provider, sql: "INSERT INTO notes VALUES (3, 'x')" });
      expect(insert.error?.code).toBe('READ_ONLY');
      const ddl = await executeSql({ url: database.url, provider, sql: 'CREATE TABLE sneaky (id INTEGER)' });
      expect(ddl.error?.code).toBe('READ_ONLY');
      expect(await database.tables()).not.toContain('sneaky');
      expect((await executeSql({ url: database.url, provider, sql: 'SELECT count(*) AS n FROM notes' })).rows.map((row) => Number(row['n']))).toEqual([2]);
    });

    test('refuses transaction control in read-only mode before anything runs', async () => {
      const result = await executeSql({ url: database.url, provider, sql: 'COMMIT; DELETE FROM notes' });
      expect(result.error?.code).toBe('READ_ONLY');
      expect(result.error?.message).toContain('nothing ran');
    });

    test('writes with `write`, and a failing script commits nothing', async () => {
      const failing = await executeSql({ url: database.url, provider, write: true, sql: "INSERT INTO notes VALUES (4, 'd'); INSERT INTO missing VALUES (1)" });
      expect(failing.error?.code).toBe('SQL_FAILED');
      const rows = await executeSql({ url: database.url, provider, sql: 'SELECT id FROM notes WHERE id = 4' });
      expect(rows.rows).toEqual([]);
    });

    test(`streams rows in batches of ${EXECUTE_BATCH_ROWS}`, async () => {
      const batches: number[] = [];
      let fields: string[] = [];
      const result = await streamSql(
        { url: database.url, provider, sql: series(provider, ROWS) },
        {
          fields: (columns) => {
            fields = columns.map((column) => column.name);
          },
          rows: (rows) => {
            batches.push(rows.length);
          },
        },
      );
      expect(result.error).toBeUndefined();
      expect(fields).toEqual(['n']);
      expect(batches).toEqual([1_000, 1_000, 500]);
      expect(result.rowCount).toBe(ROWS);
    });
  });
});
