import { afterAll, describe, expect, test } from '@jest/globals';
import { createTestDatabase, mariadbAvailability, startTestMariaDb } from '@kusto/test-servers/testing';
import { query } from '@kusto/test-servers/migration-fixtures';
import type { MariaDbServer } from '@kusto/test-servers';
import fs from 'node:fs';
import path from 'node:path';
import { createRunnerProject, kusto } from '../test-support/runner-cli.js';
import { removeProject, schemaFor } from '../test-support/project.js';
import { RESERVED_WORDS } from './reserved-words.js';

// The reserved-word lists `execute` warns with, derived again from real servers (so a list that
// drifts from the server fails here), and the warning itself, end to end, on each server.

const mariadb = await mariadbAvailability();
let mariadbServer: MariaDbServer | undefined;
const projects: string[] = [];

afterAll(async () => {
  await mariadbServer?.close();
  await Promise.all(projects.map(removeProject));
});

describe('PostgreSQL', () => {
  test("the list is the server's own reserved words (pg_get_keywords, categories R and T)", async () => {
    const database = await createTestDatabase('reserved_words');
    try {
      const rows = await query<{ word: string }>(database.url, "SELECT word FROM pg_get_keywords() WHERE catcode IN ('R', 'T') ORDER BY word");
      expect([...RESERVED_WORDS.postgresql!].sort()).toEqual(rows.map((row) => row.word));
    } finally {
      await database.drop();
    }
  });

  test('execute warns, with the quoted form, when the seed\'s example counts current_user instead of the "User" table', async () => {
    const database = await createTestDatabase('reserved_execute');
    try {
      await query(database.url, `CREATE TABLE "User" (id serial PRIMARY KEY, email text UNIQUE NOT NULL, name text); INSERT INTO "User" (email) VALUES ('a@x'), ('b@x')`);
      const project = await createRunnerProject('reserved-pg', { user: {} });
      projects.push(project);
      const run = await kusto(project, ['execute', '-d', 'user', '-q', 'SELECT COUNT(*) FROM User;'], { env: { RDS_USER_URL: database.url } });
      expect(run.err).toContain('! User is a reserved word in PostgreSQL: unquoted, the query does not name your table User. Quote it: "User"');
      // What the warning is about: the query still runs, and the keyword gives one row, not two.
      expect(run.out.slice(0, 3)).toEqual(['count', '-----', '1']);
      const quoted = await kusto(project, ['execute', '-d', 'user', '-q', 'SELECT COUNT(*) FROM "User";'], { env: { RDS_USER_URL: database.url } });
      expect(quoted.out.slice(0, 3)).toEqual(['count', '-----', '2']);
      expect(quoted.err.join('\n')).not.toContain('reserved word');
    } finally {
      await database.drop();
    }
  });
});

(mariadb.available ? describe : describe.skip)(`MySQL/MariaDB${mariadb.available ? '' : ` (skipped: ${mariadb.reason})`}`, () => {
  test('the list is every keyword of the server that it refuses as an unquoted table name', async () => {
    mariadbServer ??= await startTestMariaDb();
    const keywords = (await mariadbServer.query<{ WORD: string }[]>('SELECT WORD FROM information_schema.KEYWORDS')).map((row) => row.WORD);
    const refused: string[] = [];
    for (const word of keywords.filter((candidate) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(candidate))) {
      // No database selected: a reserved word fails to parse (1064) before "no database" (1046) could.
      const errno = await mariadbServer.query(`CREATE TEMPORARY TABLE ${word} (x INT)`).then(
        () => 0,
        (error: { errno?: number }) => error.errno ?? -1,
      );
      expect([1064, 1046]).toContain(errno);
      if (errno === 1064) refused.push(word.toLowerCase());
    }
    expect([...RESERVED_WORDS.mysql!].sort()).toEqual(refused.sort());
  }, 60_000);

  test('execute warns with backticks for a model whose table is a reserved word', async () => {
    mariadbServer ??= await startTestMariaDb();
    const url = await mariadbServer.createDatabase('reserved_execute');
    await mariadbServer.query('CREATE TABLE reserved_execute.`Order` (id INT PRIMARY KEY)');
    const project = await createRunnerProject('reserved-mysql', { shop: {} }, 'mysql');
    projects.push(project);
    fs.writeFileSync(path.join(project, 'src/app/db/shop/schema.prisma'), schemaFor('mysql', 'model Order {\n  id Int @id\n}\n'));
    const run = await kusto(project, ['execute', '-d', 'shop', '-q', 'SELECT COUNT(*) FROM Order'], { env: { RDS_SHOP_URL: url } });
    expect(run.err).toContain('! Order is a reserved word in MySQL/MariaDB: unquoted, the query does not name your table Order. Quote it: `Order`');
    const quoted = await kusto(project, ['execute', '-d', 'shop', '-q', 'SELECT COUNT(*) AS n FROM `Order`'], { env: { RDS_SHOP_URL: url } });
    expect(quoted.exitCode).toBe(0);
    expect(quoted.err.join('\n')).not.toContain('reserved word');
  }, 60_000);
});
