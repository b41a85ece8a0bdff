import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { pgbouncerAvailability, startTestPgBouncer, type TestDatabase } from '@kusto/test-servers/testing';
import type { PgBouncer } from '@kusto/test-servers';
import { createMigrator } from '@kusto/migrate';
import { freshDatabases, prismaRows, query, tableNames, THREE_MIGRATIONS } from '@kusto/test-servers/migration-fixtures';
import { removeProject } from '../test-support/project.js';
import { createRunnerProject, kusto, migrationsDirOf, passwordOf } from '../test-support/runner-cli.js';

// The runner commands behind a real PgBouncer in transaction mode, in front of the run's shared
// Postgres: which URL each command connects with, and the refusals when only the pooler is there.

const availability = await pgbouncerAvailability();
const suite = availability.available ? describe : describe.skip;
const title = availability.available
  ? `behind PgBouncer ${availability.version} (pool_mode = transaction)`
  : `behind PgBouncer (skipped: ${availability.reason})`;

const NAMES = Object.keys(THREE_MIGRATIONS);
const freshDatabase = freshDatabases();
let bouncer: PgBouncer;
let project: string;

/** `database` through PgBouncer, with `pgbouncer=true` when `flag`, and URL parameters. */
function pooled(database: TestDatabase, flag: boolean, params: Readonly<Record<string, string>> = {}): string {
  const url = new URL(bouncer.url(database.name, { pgbouncerFlag: flag }));
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

function withParams(url: string, params: Readonly<Record<string, string>>): string {
  const parsed = new URL(url);
  for (const [name, value] of Object.entries(params)) parsed.searchParams.set(name, value);
  return parsed.toString();
}

/** Whether any client reached `database` through PgBouncer (its pool exists once one did). */
async function wentThroughPgBouncer(database: TestDatabase): Promise<boolean> {
  const stats = await bouncer.showStats();
  return stats.some((row) => row.database === database.name && row.total_query_count > 0);
}

/** Runs `work` with PgBouncer stopped: anything that tries the pooled URL then fails to connect. */
async function withPgBouncerStopped<T>(work: () => Promise<T>): Promise<T> {
  await bouncer.stop();
  try {
    return await work();
  } finally {
    await bouncer.start();
  }
}

/** The search path a client gets through PgBouncer now: the server connection it lands on is the one used last (LIFO). */
async function searchPathThroughPgBouncer(database: TestDatabase): Promise<string> {
  const [row] = await query<{ search_path: string }>(pooled(database, false), 'SHOW search_path');
  return row!.search_path;
}

async function deployDirectly(database: TestDatabase, url = database.url): Promise<void> {
  const result = await createMigrator({ database: 'user', url, migrationsDir: migrationsDirOf(project, 'user') }).deploy();
  expect(result.error).toBeUndefined();
}

suite(title, () => {
  beforeAll(async () => {
    bouncer = await startTestPgBouncer({ poolMode: 'transaction' });
    project = await createRunnerProject('pooler', { user: { migrations: THREE_MIGRATIONS } });
  });
  afterAll(async () => {
    await bouncer?.close();
    if (project) await removeProject(project);
  });

  describe('migrate -t deploy', () => {
    test('a pooled URL (pgbouncer=true) and a direct URL: it deploys through the direct one, so it works with PgBouncer stopped', async () => {
      const database = await freshDatabase('pool_deploy_stopped');
      const env = { RDS_USER_URL: pooled(database, true), RDS_USER_DIRECT_URL: database.url };
      const run = await withPgBouncerStopped(() => kusto(project, ['migrate', '-t', 'deploy', '-d', 'user', '--wait', '0', '--force'], { env }));
      expect(run.exitCode).toBe(0);
      expect(run.out).toContainEqual(expect.stringMatching(/^✔ user deploy via RDS_USER_DIRECT_URL \(.+\): applied 3 migrations$/));
      expect((await prismaRows(database.url)).map((row) => row.migration_name)).toEqual(NAMES);
      expect(run.text).not.toContain(passwordOf(database.url));
    });

    test('with PgBouncer running, not one query of the deploy goes through it', async () => {
      const database = await freshDatabase('pool_deploy_running');
      const env = { RDS_USER_URL: pooled(database, true), RDS_USER_DIRECT_URL: database.url };
      const run = await kusto(project, ['migrate', '-t', 'deploy', '-d', 'user', '--wait', '0', '--force'], { env });
      expect(run.exitCode).toBe(0);
      expect(await wentThroughPgBouncer(database)).toBe(false);
      // The same check does see a client that uses the pooled URL.
      await query(pooled(database, false), 'SELECT 1');
      expect(await wentThroughPgBouncer(database)).toBe(true);
    });

    test('the pooled URL alone (pgbouncer=true): refused before the countdown, exit 1, nothing connected, no _prisma_migrations', async () => {
      const database = await freshDatabase('pool_deploy_flag');
      const run = await kusto(project, ['migrate', '-t', 'deploy', '-d', 'user'], { env: { RDS_USER_URL: pooled(database, true) } });
      expect(run.exitCode).toBe(1);
      expect(run.sleeps).toEqual([]);
      expect(run.err.join('\n')).toMatch(
        /^kusto-db: Database "user" is reached through a transaction pooler \(the URL from RDS_USER_URL has pgbouncer=true\).*Set RDS_USER_DIRECT_URL to a URL that reaches the server directly.*\nNothing was run\.$/s,
      );
      expect(run.text).not.toMatch(/\n\s+at /);
      expect(run.text).not.toContain(passwordOf(database.url));
      expect(await tableNames(database.url)).toEqual([]);
      expect(await wentThroughPgBouncer(database)).toBe(false);
    });

    test('the pooled URL without the flag: the probe finds PgBouncer, and deploy is refused the same way', async () => {
      const database = await freshDatabase('pool_deploy_probe');
      const run = await kusto(project, ['migrate', '-t', 'deploy', '-d', 'user'], { env: { RDS_USER_URL: pooled(database, false) } });
      expect(run.exitCode).toBe(1);
      expect(run.sleeps).toEqual([]);
      const err = run.err.join('\n');
      expect(err).toMatch(/^kusto-db: Database "user": RDS_USER_URL goes through a transaction pooler \(.*server process.*\)/);
      expect(err).toMatch(/Set RDS_USER_DIRECT_URL to a URL that reaches the server directly, and add pgbouncer=true to RDS_USER_URL to skip this probe\.\nNothing was run\.$/);
      expect(await tableNames(database.url)).toEqual([]);
    });

    test('several databases: one pooled-only database stops them all before any changes', async () => {
      const events = await freshDatabase('pool_deploy_events');
      const user = await freshDatabase('pool_deploy_user');
      const multi = await createRunnerProject('pooler-multi', { events: { migrations: THREE_MIGRATIONS }, user: { migrations: THREE_MIGRATIONS } });
      try {
        const env = { RDS_EVENTS_URL: events.url, RDS_USER_URL: pooled(user, false) };
        const run = await kusto(multi, ['migrate', '-t', 'deploy', '--wait', '0', '--force'], { env });
        expect(run.exitCode).toBe(1);
        expect(run.err.join('\n')).toMatch(/Database "user": RDS_USER_URL goes through a transaction pooler/);
        expect(await tableNames(events.url)).toEqual([]);
        expect(await tableNames(user.url)).toEqual([]);
      } finally {
        await removeProject(multi);
      }
    });
  });

  describe('rollback', () => {
    test('the pooled URL alone is refused before any prompt, with the flag and without it; nothing changes', async () => {
      const database = await freshDatabase('pool_rollback_refused');
      await deployDirectly(database);
      for (const flag of [true, false]) {
        const run = await kusto(project, ['rollback', '-d', 'user'], { env: { RDS_USER_URL: pooled(database, flag) }, interactive: true });
        expect({ exitCode: run.exitCode, asked: run.asked }).toEqual({ exitCode: 1, asked: [] });
        expect(run.err.join('\n')).toMatch(/RDS_USER_URL (has pgbouncer=true|goes through a transaction pooler).*Set RDS_USER_DIRECT_URL/s);
      }
      expect((await prismaRows(database.url)).map((row) => row.migration_name)).toEqual(NAMES);
    });

    test('with the direct URL it rolls back through it (PgBouncer stopped)', async () => {
      const database = await freshDatabase('pool_rollback_direct');
      await deployDirectly(database);
      const env = { RDS_USER_URL: pooled(database, true), RDS_USER_DIRECT_URL: database.url };
      const run = await withPgBouncerStopped(() => kusto(project, ['rollback', '-d', 'user', '--force'], { env }));
      expect(run.exitCode).toBe(0);
      expect(run.out.at(-1)).toMatch(/^Rolled back 1 migration of "user" via RDS_USER_DIRECT_URL in /);
      expect((await prismaRows(database.url)).map((row) => row.migration_name)).toEqual(NAMES.slice(0, 2));
    });

    test('--dry-run only reads, so it runs through the pooled URL alone', async () => {
      const database = await freshDatabase('pool_rollback_dry');
      await deployDirectly(database);
      const run = await kusto(project, ['rollback', '-d', 'user', '--dry-run'], { env: { RDS_USER_URL: pooled(database, true) } });
      expect(run.exitCode).toBe(0);
      expect(run.out[0]).toMatch(/^-- Dry run \(via RDS_USER_URL\): rolling back database "user" would revert 1 migration/);
      expect(await wentThroughPgBouncer(database)).toBe(true);
    });
  });

  describe('status', () => {
    test('reads through the pooler, with the flag or without it (no probe: it only reads)', async () => {
      const database = await freshDatabase('pool_status');
      await deployDirectly(database);
      for (const flag of [true, false]) {
        const run = await kusto(project, ['status'], { env: { RDS_USER_URL: pooled(database, flag) } });
        expect(run.exitCode).toBe(0);
        expect(run.out[0]).toBe('Read user via RDS_USER_URL.');
        expect(run.out.at(-1)).toBe('Up to date.');
      }
      expect(await wentThroughPgBouncer(database)).toBe(true);
    });

    test('through the direct URL when it is set (--json names it, redacted)', async () => {
      const database = await freshDatabase('pool_status_direct');
      await deployDirectly(database);
      const env = { RDS_USER_URL: pooled(database, true), RDS_USER_DIRECT_URL: database.url };
      const run = await withPgBouncerStopped(() => kusto(project, ['status', '--json'], { env }));
      expect(run.exitCode).toBe(0);
      const document = JSON.parse(run.out[0]!) as { databases: Array<{ connection: { envVar: string; kind: string; target: string } }> };
      expect(document.databases[0]!.connection).toEqual({
        envVar: 'RDS_USER_DIRECT_URL',
        kind: 'direct',
        target: `postgresql://${new URL(database.url).host}${new URL(database.url).pathname}`,
      });
    });

    test('a schema in the URL is read without leaving a SET on the server connection others get next', async () => {
      const database = await freshDatabase('pool_status_schema');
      await deployDirectly(database, withParams(database.url, { schema: 'tenant' }));
      const before = await searchPathThroughPgBouncer(database);
      const run = await kusto(project, ['status'], { env: { RDS_USER_URL: pooled(database, true, { schema: 'tenant' }) } });
      expect(run.exitCode).toBe(0);
      expect(run.out.at(-1)).toBe('Up to date.');
      expect(await searchPathThroughPgBouncer(database)).toBe(before);
      expect(before).not.toMatch(/tenant/);
    });
  });

  describe('execute', () => {
    test('--write prefers the direct URL; read-only SQL keeps the main (pooled) one', async () => {
      const database = await freshDatabase('pool_execute');
      const env = { RDS_USER_URL: pooled(database, true), RDS_USER_DIRECT_URL: database.url };
      const [write, read] = await withPgBouncerStopped(async () => [
        await kusto(project, ['execute', '-d', 'user', '--write', '--force', '-q', 'CREATE TABLE made_directly (id int)'], { env }),
        await kusto(project, ['execute', '-d', 'user', '-q', 'SELECT 1'], { env }),
      ]);
      expect(write.exitCode).toBe(0);
      expect(write.out.at(-1)).toMatch(/^CREATE \(.*, via RDS_USER_DIRECT_URL\)$/);
      expect(await tableNames(database.url)).toEqual(['made_directly']);
      // PgBouncer was down: read-only SQL failed, because it connects with the main URL.
      expect(read.exitCode).toBe(1);
      expect(read.err.join('\n')).toMatch(/Could not connect to database "user"/);
      const again = await kusto(project, ['execute', '-d', 'user', '-q', 'SELECT 1 AS one'], { env });
      expect(again.exitCode).toBe(0);
      expect(again.out.at(-1)).toMatch(/, via RDS_USER_URL\)$/);
    });

    test('--write through the pooler alone runs in one transaction, in the URL schema, leaving no SET behind', async () => {
      const database = await freshDatabase('pool_execute_schema');
      await query(database.url, 'CREATE SCHEMA tenant');
      const before = await searchPathThroughPgBouncer(database);
      const env = { RDS_USER_URL: pooled(database, true, { schema: 'tenant' }) };
      const run = await kusto(project, ['execute', '-d', 'user', '--write', '--force', '-q', 'CREATE TABLE notes (id int); INSERT INTO notes VALUES (1)'], { env });
      expect(run.exitCode).toBe(0);
      expect(await query(database.url, "SELECT schemaname, tablename FROM pg_tables WHERE tablename = 'notes'")).toEqual([{ schemaname: 'tenant', tablename: 'notes' }]);
      expect(await searchPathThroughPgBouncer(database)).toBe(before);
    });
  });
});
