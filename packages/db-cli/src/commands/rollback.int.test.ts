import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
import { createMigrator } from '@kusto/migrate';
import { columnNames, prismaRows, query, tableNames, THREE_MIGRATIONS } from '@kusto/test-servers/migration-fixtures';
import { removeProject } from '../test-support/project.js';
import { createRunnerProject, kusto, migrationsDirOf, passwordOf } from '../test-support/runner-cli.js';
import { DEFAULT_ROLLBACK_TARGET, parseRollbackTarget } from './rollback.js';

// `kusto-db rollback` through the CLI entry against a real Postgres: the guard of every dangerous
// command, the dry run, and refusals that change nothing.

const NAMES = Object.keys(THREE_MIGRATIONS);
let project: string;
let database: TestDatabase;
const env = () => ({ RDS_USER_URL: database.url });

/** What the database holds: applied migrations and the Post columns. */
async function snapshot() {
  return { applied: (await prismaRows(database.url)).map((row) => row.migration_name), tables: await tableNames(database.url) };
}

beforeAll(async () => {
  database = await createTestDatabase('cli_rollback');
  project = await createRunnerProject('rollback', { user: { migrations: THREE_MIGRATIONS } });
});
afterAll(async () => {
  await database.drop();
  await removeProject(project);
});
beforeEach(async () => {
  // Every test starts from all three applied.
  const result = await createMigrator({ database: 'user', url: database.url, migrationsDir: migrationsDirOf(project, 'user') }).deploy();
  expect(result.ok).toBe(true);
});

describe('rollback --dry-run', () => {
  test('prints the down.sql it would run, newest first, asks nothing and changes nothing', async () => {
    const before = await snapshot();
    const run = await kusto(project, ['rollback', '-d', 'user', '-t', '2', '--dry-run'], { env: env() });
    expect(run.exitCode).toBe(0);
    expect(run.asked).toEqual([]);
    const out = run.out.join('\n');
    expect(out).toMatch(/^-- Dry run \(via RDS_USER_URL\): rolling back database "user" would revert 2 migrations, newest first\. Nothing was changed\./);
    expect(out.indexOf(`-- ${NAMES[2]!}`)).toBeLessThan(out.indexOf(`-- ${NAMES[1]!}`));
    expect(out).toContain('ALTER TABLE "Post" DROP COLUMN "body";');
    expect(out).toContain('DROP INDEX "Post_title_idx";\nDROP TABLE "Post";');
    expect(out).not.toContain('DROP TABLE "User"');
    expect(await snapshot()).toEqual(before);
    expect(run.text).not.toContain(passwordOf(database.url));
  });
});

describe('rollback', () => {
  test('both codes typed back revert the newest migration (-t defaults to 1)', async () => {
    expect(DEFAULT_ROLLBACK_TARGET).toBe('1');
    const run = await kusto(project, ['rollback', '-d', 'user'], { env: env(), interactive: true });
    expect(run.exitCode).toBe(0);
    expect(run.asked).toHaveLength(2);
    expect(run.asked[0]).not.toBe(run.asked[1]);
    expect(run.err.join('\n')).toContain(`Rollback of "user" via RDS_USER_URL reverts the newest 1 applied migration, newest first:\n    ${NAMES[2]!}`);
    expect(run.out).toContainEqual(expect.stringMatching(new RegExp(`^  user: rolled back ${NAMES[2]!} in \\d+ ms$`)));
    expect(run.out.at(-1)).toMatch(/^Rolled back 1 migration of "user" via RDS_USER_URL in /);
    expect(await columnNames(database.url, 'Post')).toEqual(['id', 'title']);
    expect((await snapshot()).applied).toEqual(NAMES.slice(0, 2));
    expect(await query(database.url, 'SELECT migration_name FROM _kusto_migrations_history ORDER BY performed_at DESC LIMIT 1')).toEqual([{ migration_name: NAMES[2] }]);
  });

  test('-t <name> rolls back to that migration, which stays applied (a unique prefix is enough); --force skips the codes', async () => {
    const run = await kusto(project, ['rollback', '-d', 'user', '-t', '20240101000000_us', '--force'], { env: env() });
    expect(run.exitCode).toBe(0);
    expect(run.asked).toEqual([]);
    expect(await snapshot()).toEqual({ applied: [NAMES[0]], tables: ['User', '_kusto_migrations_history', '_prisma_migrations'] });
  });

  test('-t <name> of the newest applied migration has nothing to do and asks nothing', async () => {
    const run = await kusto(project, ['rollback', '-d', 'user', '-t', NAMES[2]!], { env: env(), interactive: true });
    expect({ exitCode: run.exitCode, asked: run.asked }).toEqual({ exitCode: 0, asked: [] });
    expect(run.out).toEqual(['Nothing to roll back on "user": the target is already the newest applied migration.']);
  });

  test('a wrong code cancels with 130 and nothing changes', async () => {
    const before = await snapshot();
    const run = await kusto(project, ['rollback', '-d', 'user', '-t', '2'], { env: env(), interactive: true, answer: () => 'NOPE' });
    expect(run.exitCode).toBe(130);
    expect(run.asked).toHaveLength(1);
    expect(run.err.join('\n')).toMatch(/Cancelled: "NOPE" is not [A-HJ-NP-Z2-9]{4}\. Nothing was changed/);
    expect(await snapshot()).toEqual(before);
  });

  test('without a terminal and without --force it refuses (exit 1), asks nothing, changes nothing', async () => {
    const before = await snapshot();
    const run = await kusto(project, ['rollback', '-d', 'user'], { env: env(), interactive: false });
    expect(run.exitCode).toBe(1);
    expect(run.asked).toEqual([]);
    expect(run.err.join('\n')).toMatch(/without a terminal to confirm it.*--force/);
    expect(await snapshot()).toEqual(before);
  });

  test('--force never replaces -d', async () => {
    const run = await kusto(project, ['rollback', '--force'], { env: env() });
    expect(run.exitCode).toBe(1);
    expect(run.err.join('\n')).toMatch(/rollback changes one database at a time: name it with -d/);
  });
});

describe('refusals: one line, exit 1, before any prompt, nothing changed', () => {
  test('a targeted migration without down.sql', async () => {
    const down = path.join(migrationsDirOf(project, 'user'), NAMES[1]!, 'down.sql');
    const text = fs.readFileSync(down, 'utf8');
    fs.rmSync(down);
    try {
      const before = await snapshot();
      for (const extra of [[], ['--dry-run']]) {
        const run = await kusto(project, ['rollback', '-d', 'user', '-t', '2', ...extra], { env: env(), interactive: true });
        expect({ exitCode: run.exitCode, asked: run.asked }).toEqual({ exitCode: 1, asked: [] });
        expect(run.err[0]).toMatch(new RegExp(`^kusto-db: Rollback of database "user" refused, nothing was changed: no down\\.sql beside migration\\.sql in ${NAMES[1]!}\\.`));
      }
      expect(await snapshot()).toEqual(before);
    } finally {
      fs.writeFileSync(down, text);
    }
  });

  test.each([
    ['an unknown name', 'nope', /"nope" is not an applied migration\. Applied: 20240101000000_users, 20240102000000_posts, 20240103000000_post_body\./],
    ['an ambiguous part of a name', '_post', /"_post" matches several applied migrations: 20240102000000_posts, 20240103000000_post_body\. Give the full name\./],
    ['a timestamp, which counts steps', '20240101', /cannot roll back 20240101 migrations: only 3 are applied .* to roll back to a migration, give its full name \(e\.g\. 20240101000000_users\)/],
    ['more steps than applied', '4', /cannot roll back 4 migrations: only 3 are applied/],
    ['zero steps', '0', /0 is not a number of steps/],
  ])('%s', async (_label, target, message) => {
    const before = await snapshot();
    const run = await kusto(project, ['rollback', '-d', 'user', '-t', target], { env: env(), interactive: true });
    expect({ exitCode: run.exitCode, asked: run.asked }).toEqual({ exitCode: 1, asked: [] });
    expect(run.err).toHaveLength(1);
    expect(run.err[0]).toMatch(message);
    expect(await snapshot()).toEqual(before);
  });

  test('a missing URL variable', async () => {
    const run = await kusto(project, ['rollback', '-d', 'user', '--force'], { env: {} });
    expect(run.exitCode).toBe(1);
    expect(run.err.join('\n')).toMatch(/set the environment variable RDS_USER_URL/);
  });
});

describe('parseRollbackTarget', () => {
  test('a whole number counts steps unless a migration folder has exactly that name; anything else is a name', () => {
    const migrationsDir = migrationsDirOf(project, 'user');
    expect(parseRollbackTarget('2', { migrationsDir })).toEqual({ steps: 2 });
    expect(parseRollbackTarget(' 20240102000000_posts ', { migrationsDir })).toEqual({ to: '20240102000000_posts' });
    expect(parseRollbackTarget('-1', { migrationsDir })).toEqual({ to: '-1' });
    fs.mkdirSync(path.join(migrationsDir, '2'));
    try {
      expect(parseRollbackTarget('2', { migrationsDir })).toEqual({ to: '2' });
    } finally {
      fs.rmdirSync(path.join(migrationsDir, '2'));
    }
    expect(() => parseRollbackTarget(' ', { migrationsDir })).toThrow(/needs a number of steps or a migration name/);
  });
});
