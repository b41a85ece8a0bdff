import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
import { EXECUTE_SQL_DEFAULTS, executeSql, SqlExecutionError } from './execute-sql.js';
import { query } from '@kusto/test-servers/migration-fixtures';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('execute_sql');
  await query(database.url, "CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes VALUES (1, 'first'), (2, 'second')");
});

afterAll(async () => {
  await database.drop();
});

describe('executeSql', () => {
  it('is read-only by default', () => {
    expect(EXECUTE_SQL_DEFAULTS.write).toBe(false);
  });

  it('returns rows, fields, row count and time', async () => {
    const result = await executeSql({ url: database.url, sql: 'SELECT id, body FROM notes ORDER BY id' });
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ ok: true, write: false, rowCount: 2, rows: [{ id: 1, body: 'first' }, { id: 2, body: 'second' }] });
    expect(result.fields.map((field) => field.name)).toEqual(['id', 'body']);
    expect(typeof result.durationMs).toBe('number');
  });

  it("runs in the URL's schema, inside its one transaction, and ignores the pgbouncer flag", async () => {
    await query(database.url, 'CREATE SCHEMA IF NOT EXISTS tenant');
    const url = `${database.url}?schema=tenant&pgbouncer=true`;
    const write = await executeSql({ url, sql: 'CREATE TABLE tenant_notes (id int)', write: true });
    expect(write.error).toBeUndefined();
    expect(await query(database.url, "SELECT schemaname FROM pg_tables WHERE tablename = 'tenant_notes'")).toEqual([{ schemaname: 'tenant' }]);
    const read = await executeSql({ url, sql: 'SELECT current_schema() AS schema' });
    expect(read.rows).toEqual([{ schema: 'tenant' }]);
  });

  it('runs SQL with quotes and semicolons exactly as given', async () => {
    const sql = "SELECT 'it''s; here' AS quoted, $$semi;colon$$ AS dollar, E'tab\\there' AS escaped; SELECT count(*)::int AS n FROM notes WHERE body <> ';'";
    const result = await executeSql({ url: database.url, sql });
    expect(result.error).toBeUndefined();
    expect(result.statements).toHaveLength(2);
    expect(result.statements[0]?.rows).toEqual([{ quoted: "it's; here", dollar: 'semi;colon', escaped: 'tab\there' }]);
    expect(result.rows).toEqual([{ n: 2 }]);
  });

  it('cannot write without `write`: the write fails cleanly and nothing changes', async () => {
    const result = await executeSql({ url: database.url, sql: "INSERT INTO notes VALUES (3, 'third')" });
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe('READ_ONLY');
    expect(result.error?.message).toContain('--write');
    expect(await query(database.url, 'SELECT * FROM notes WHERE id = 3')).toEqual([]);
  });

  it('refuses transaction control that could leave the read-only transaction', async () => {
    const result = await executeSql({ url: database.url, sql: "COMMIT; DELETE FROM notes" });
    expect(result.error?.code).toBe('READ_ONLY');
    const sneaky = await executeSql({ url: database.url, sql: "SET TRANSACTION READ WRITE; DELETE FROM notes" });
    expect(sneaky.error?.code).toBe('READ_ONLY');
    expect(await query(database.url, 'SELECT count(*)::int AS n FROM notes')).toEqual([{ n: 2 }]);
  });

  it.each([
    ['SET transaction_read_only = off; SELECT setval(\'counter\', 999)'],
    ['SET LOCAL transaction_read_only TO off; DELETE FROM notes'],
    ['RESET ALL; DELETE FROM notes'],
    ["SELECT set_config('transaction_read_only', 'off', true); SELECT setval('counter', 999)"],
  ])('refuses leaving read-only mode: %s', async (sql) => {
    await query(database.url, 'CREATE SEQUENCE IF NOT EXISTS counter');
    const result = await executeSql({ url: database.url, sql });
    expect(result.error?.code).toBe('READ_ONLY');
    expect(await query(database.url, 'SELECT last_value::int AS v FROM counter')).toEqual([{ v: 1 }]);
    expect(await query(database.url, 'SELECT count(*)::int AS n FROM notes')).toEqual([{ n: 2 }]);
  });

  it('writes and commits with `write`', async () => {
    const result = await executeSql({ url: database.url, sql: "INSERT INTO notes VALUES (3, 'a; b') RETURNING id", write: true });
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ write: true, rowCount: 1, rows: [{ id: 3 }] });
    expect(await query(database.url, 'SELECT body FROM notes WHERE id = 3')).toEqual([{ body: 'a; b' }]);
  });

  it('returns a database error with its code, and commits nothing of a failing script', async () => {
    const result = await executeSql({ url: database.url, sql: "INSERT INTO notes VALUES (9, 'x'); SELECT nope FROM notes", write: true });
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe('SQL_FAILED');
    expect(result.error).toBeInstanceOf(SqlExecutionError);
    expect((result.error as SqlExecutionError).databaseCode).toBe('42703');
    expect(await query(database.url, 'SELECT * FROM notes WHERE id = 9')).toEqual([]);
  });

  it('returns a connection failure without the password', async () => {
    const url = new URL(database.url);
    url.username = 'nobody_here';
    url.password = 'Very-Secret-77';
    const result = await executeSql({ url: url.toString(), sql: 'SELECT 1' });
    expect(result.error?.code).toBe('CONNECTION_FAILED');
    expect(JSON.stringify(result)).not.toContain('Very-Secret-77');
    expect(result.error?.message).not.toContain('Very-Secret-77');
  });
});
