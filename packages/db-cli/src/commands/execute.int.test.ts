import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
import { query } from '@kusto/test-servers/migration-fixtures';
import { removeProject } from '../test-support/project.js';
import { createRunnerProject, kusto, passwordOf } from '../test-support/runner-cli.js';
import { formatCell } from './execute.js';

// `kusto-db execute` through the CLI entry against a real Postgres: rows as a table or JSON,
// read-only unless --write, and --write guarded like every dangerous command.

let project: string;
let database: TestDatabase;
const env = () => ({ RDS_USER_URL: database.url });
const count = async () => (await query<{ n: number }>(database.url, 'SELECT count(*)::int AS n FROM notes'))[0]!.n;

beforeAll(async () => {
  database = await createTestDatabase('cli_execute');
  await query(database.url, "CREATE TABLE notes (id int PRIMARY KEY, body text, at timestamptz); INSERT INTO notes VALUES (1, 'first', '2024-01-02T03:04:05Z'), (2, NULL, NULL)");
  project = await createRunnerProject('execute', { user: {} });
  fs.writeFileSync(path.join(project, 'count.sql'), 'SELECT count(*)::int AS n FROM notes;\n');
});
afterAll(async () => {
  await database.drop();
  await removeProject(project);
});

describe('reading', () => {
  test('prints the rows as a table with the row count and time', async () => {
    const run = await kusto(project, ['execute', '-d', 'user', '-q', 'SELECT id, body, at FROM notes ORDER BY id'], { env: env() });
    expect(run.exitCode).toBe(0);
    expect(run.out.slice(0, 4)).toEqual(['id  body   at', '--  -----  ------------------------', '1   first  2024-01-02T03:04:05.000Z', '2   NULL   NULL']);
    expect(run.out[4]).toMatch(/^\(2 rows, \d+(\.\d+)? m?s, via RDS_USER_URL\)$/);
    expect(run.text).not.toContain(passwordOf(database.url));
  });

  test('-q with quotes and semicolons runs exactly as given, as one argument', async () => {
    const run = await kusto(project, ['execute', '-d', 'user', '-q', `SELECT 'a;b' AS x, 'it''s "quoted"; -- not a comment' AS y`], { env: env() });
    expect(run.exitCode).toBe(0);
    expect(run.out[2]).toBe(`a;b  it's "quoted"; -- not a comment`);
  });

  test('--json prints one document that parses, its rows streamed one per line', async () => {
    const run = await kusto(project, ['execute', '-d', 'user', '-q', "SELECT 'a;b' AS x UNION ALL SELECT 'c'", '--json'], { env: env() });
    expect(run.exitCode).toBe(0);
    expect(run.out.join('\n').split('\n')).toHaveLength(4);
    const document = JSON.parse(run.out.join('\n')) as { ok: boolean; rows: unknown[]; rowCount: number; write: boolean; durationMs: number; command: string };
    expect(document).toMatchObject({ ok: true, rows: [{ x: 'a;b' }, { x: 'c' }], rowCount: 2, write: false, command: 'SELECT' });
    expect(typeof document.durationMs).toBe('number');
    expect(String(document.durationMs)).toMatch(/^\d+(\.\d)?$/);
  });

  test('-f reads the SQL from a file relative to the project', async () => {
    const run = await kusto(project, ['execute', '-d', 'user', '-f', 'count.sql'], { env: env() });
    expect(run.exitCode).toBe(0);
    expect(run.out.slice(0, 3)).toEqual(['n', '-', '2']);
  });

  test('several statements: the last one\'s rows are shown, and it says so', async () => {
    const run = await kusto(project, ['execute', '-d', 'user', '-q', 'SELECT 1 AS a; SELECT 2 AS b'], { env: env() });
    expect(run.exitCode).toBe(0);
    expect(run.out.slice(0, 3)).toEqual(['b', '-', '2']);
    expect(run.out.at(-1)).toBe("2 statements ran; the result above is the last one's.");
  });

  test('a failing statement is one line with the database error, exit 1', async () => {
    const run = await kusto(project, ['execute', '-d', 'user', '-q', 'SELECT * FROM nowhere'], { env: env() });
    expect(run.exitCode).toBe(1);
    expect(run.err).toEqual(['kusto-db: relation "nowhere" does not exist [42P01]']);
  });
});

describe('writing', () => {
  test('without --write a write fails cleanly and nothing changes', async () => {
    const before = await count();
    const run = await kusto(project, ['execute', '-d', 'user', '-q', "INSERT INTO notes VALUES (3, 'x', NULL)"], { env: env() });
    expect(run.exitCode).toBe(1);
    expect(run.err.join('\n')).toMatch(/read-only transaction.*nothing changed\. Run it with write access \(--write\)/);
    expect(await count()).toBe(before);
  });

  test('without --write, transaction control that could leave the read-only transaction is refused', async () => {
    const before = await count();
    const run = await kusto(project, ['execute', '-d', 'user', '-q', "COMMIT; INSERT INTO notes VALUES (3, 'x', NULL)"], { env: env() });
    expect(run.exitCode).toBe(1);
    expect(run.err.join('\n')).toMatch(/controls the transaction.*nothing ran/);
    expect(await count()).toBe(before);
  });

  test('--write without a terminal and without --force is refused; nothing changes', async () => {
    const before = await count();
    const run = await kusto(project, ['execute', '-d', 'user', '--write', '-q', "INSERT INTO notes VALUES (3, 'x', NULL)"], { env: env() });
    expect({ exitCode: run.exitCode, asked: run.asked }).toEqual({ exitCode: 1, asked: [] });
    expect(run.err.join('\n')).toMatch(/Refusing to run kusto-db execute --write -d user without a terminal/);
    expect(await count()).toBe(before);
  });

  test('--write with a wrong code cancels with 130; nothing changes', async () => {
    const before = await count();
    const run = await kusto(project, ['execute', '-d', 'user', '--write', '-q', "INSERT INTO notes VALUES (3, 'x', NULL)"], {
      env: env(),
      interactive: true,
      answer: () => 'ZZZZZ',
    });
    expect(run.exitCode).toBe(130);
    expect(await count()).toBe(before);
  });

  test('--write --force writes, and reports the affected rows', async () => {
    const before = await count();
    const run = await kusto(project, ['execute', '-d', 'user', '--write', '--force', '-q', "INSERT INTO notes VALUES (3, 'x;y', NULL)"], { env: env() });
    expect(run.exitCode).toBe(0);
    expect(run.out.at(-1)).toMatch(/^INSERT \(1 row affected, \d+(\.\d+)? m?s, via RDS_USER_URL\)$/);
    expect(await count()).toBe(before + 1);
  });

  test('--write with both codes typed back writes', async () => {
    const run = await kusto(project, ['execute', '-d', 'user', '--write', '-q', 'DELETE FROM notes WHERE id = 3'], { env: env(), interactive: true });
    expect({ exitCode: run.exitCode, prompts: run.asked.length }).toEqual({ exitCode: 0, prompts: 2 });
    expect(await query(database.url, 'SELECT id FROM notes WHERE id = 3')).toEqual([]);
  });
});

describe('mistakes, before anything runs', () => {
  test.each([
    [['execute', '-d', 'user'], /execute needs the SQL: -q <sql> or -f <file>/],
    [['execute', '-d', 'user', '-q', 'SELECT 1', '-f', 'count.sql'], /-q <sql> or -f <file>, not both/],
    [['execute', '-q', 'SELECT 1'], /execute changes one database at a time: name it with -d/],
    [['execute', '-d', 'user', '-f', 'missing.sql'], /Cannot read the SQL file .*missing\.sql: ENOENT/],
    [['execute', '-d', 'usr', '-q', 'SELECT 1'], /Unknown database "usr"\. Known databases: user/],
    [['execute', '-d', '../x', '-q', 'SELECT 1'], /"\.\.\/x" cannot be a database name/],
  ])('%j', async (argv, message) => {
    const run = await kusto(project, argv, { env: env(), interactive: true });
    expect({ exitCode: run.exitCode, asked: run.asked }).toEqual({ exitCode: 1, asked: [] });
    expect(run.err.join('\n')).toMatch(message);
  });

  test('a missing URL variable', async () => {
    const run = await kusto(project, ['execute', '-d', 'user', '--write', '--force', '-q', 'DELETE FROM notes'], { env: {} });
    expect(run.exitCode).toBe(1);
    expect(run.err.join('\n')).toMatch(/set the environment variable RDS_USER_URL/);
    expect(await count()).toBeGreaterThan(0);
  });

  test('an unreachable server: the error never shows the password', async () => {
    const run = await kusto(project, ['execute', '-d', 'user', '-q', 'SELECT 1'], { env: { RDS_USER_URL: 'postgresql://app:s3cret-pass@127.0.0.1:1/user' } });
    expect(run.exitCode).toBe(1);
    expect(run.err.join('\n')).toMatch(/Could not connect to database "user"/);
    expect(run.text).not.toContain('s3cret-pass');
  });
});

test('formatCell: NULL, ISO dates, bytes, JSON, escaped newlines', () => {
  expect([null, undefined, new Date('2024-01-02T03:04:05Z'), Buffer.from([1, 255]), { a: [1] }, 'a\nb', 12, true].map(formatCell)).toEqual([
    'NULL',
    'NULL',
    '2024-01-02T03:04:05.000Z',
    '\\x01ff',
    '{"a":[1]}',
    'a\\nb',
    '12',
    'true',
  ]);
});
