import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, writeMigrations } from '@kusto/test-servers/migration-fixtures';
import { createTestMariaDbDatabase, mariadbAvailability, startTestMariaDb } from '@kusto/test-servers/testing';
import type { MariaDbServer } from '@kusto/test-servers';
import { executeSql } from '../../execute-sql.js';
import { createMigrator } from '../../migrator.js';

// MariaDB runs the text of `/*!…*/` and `/*M!…*/` comments (a version number after the `!` gates
// it on the server's version). A splitter that drops them as comments reports a statement run that
// never ran: these tests send each form through deploy and execute and look for the table.

const availability = await mariadbAvailability();
const suite = availability.available ? describe : describe.skip;

const FORMS = [
  ['/*!', (table: string) => `/*! CREATE TABLE ${table} (x INT) */`],
  ['/*!NNNNN', (table: string) => `/*!50001 CREATE TABLE ${table} (x INT) */`],
  ['/*M!', (table: string) => `/*M! CREATE TABLE ${table} (x INT) */`],
  ['/*M!NNNNNN', (table: string) => `/*M!100000 CREATE TABLE ${table} (x INT) */`],
] as const;

suite(`MariaDB executable comments run${availability.available ? '' : ` (skipped: ${availability.reason})`}`, () => {
  let server: MariaDbServer;
  let root: string;
  beforeAll(async () => {
    server = await startTestMariaDb();
    root = makeTempDir('mysql-executable-comments');
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const tables = async (database: string): Promise<string[]> =>
    (
      await server.query<Array<{ name: string }>>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? ORDER BY 1', [database])
    ).map((row) => row.name);

  test('a migration written in every executable-comment form creates every table it is recorded for', async () => {
    const database = await createTestMariaDbDatabase(server, 'exec_comments');
    const migrationsDir = path.join(root, 'deploy');
    const up = FORMS.map(([, statement], index) => `${statement(`vc${index}`)};`).join('\n') + '\nCREATE TABLE plain (x INT /*M!100000 , y INT */);\n';
    writeMigrations(migrationsDir, { '20240101000000_versioned': { up } }, 'mysql');
    const result = await createMigrator({ database: 'mdb', url: database.url, migrationsDir, provider: 'mysql' }).deploy();
    expect(result.error).toBeUndefined();
    expect(result.results.map(({ status, statementCount, statementsRun }) => ({ status, statementCount, statementsRun }))).toEqual([
      { status: 'succeeded', statementCount: FORMS.length + 1, statementsRun: FORMS.length + 1 },
    ]);
    expect((await tables(database.name)).sort()).toEqual(['_prisma_migrations', 'plain', 'vc0', 'vc1', 'vc2', 'vc3']);
    const columns = await server.query<Array<{ name: string }>>(
      "SELECT column_name AS name FROM information_schema.columns WHERE table_schema = ? AND table_name = 'plain' ORDER BY ordinal_position",
      [database.name],
    );
    expect(columns.map((column) => column.name)).toEqual(['x', 'y']);
    await database.drop();
  });

  test.each(FORMS)('execute --write runs a statement written as %s', async (_form, statement) => {
    const database = await createTestMariaDbDatabase(server, 'exec_comment');
    const result = await executeSql({ url: database.url, provider: 'mysql', write: true, sql: statement('vc1') });
    expect(result.error).toBeUndefined();
    expect(result.statements).toHaveLength(1);
    expect(await tables(database.name)).toEqual(['vc1']);
    await database.drop();
  });

  test('execute refuses SQL that holds only comments instead of answering OK for nothing', async () => {
    const database = await createTestMariaDbDatabase(server, 'exec_nothing');
    const result = await executeSql({ url: database.url, provider: 'mysql', write: true, sql: '/* CREATE TABLE vc1 (x INT) */ -- nothing else' });
    expect(result.error?.code).toBe('NO_STATEMENTS');
    expect(result.error?.message).toContain('only comments');
    await database.drop();
  });
});
