import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
import { createMigrator } from '@kusto/migrate';
import { THREE_MIGRATIONS, writeMigrations } from '@kusto/test-servers/migration-fixtures';
import { removeProject } from '../../test-support/project.js';
import { createRunnerProject, kusto, migrationsDirOf, passwordOf } from '../../test-support/runner-cli.js';
import type { StatusDocument } from './status.js';

// `kusto-db status` and `migrate -t status` through the CLI entry against a real Postgres.

const databases: TestDatabase[] = [];
let project: string;
let user: TestDatabase;
let events: TestDatabase;
const env = () => ({ RDS_USER_URL: user.url, RDS_EVENTS_URL: events.url });
const FIRST = '20240101000000_users';

/** Table rows (database, migration, state) below the header and the rule. */
function rows(out: readonly string[]): string[][] {
  const start = out.findIndex((line) => /^database\s+migration\s+state/.test(line));
  const end = out.indexOf('', start);
  return out.slice(start + 2, end).map((line) => line.split(/\s{2,}/).slice(0, 3));
}

beforeAll(async () => {
  user = await createTestDatabase('cli_status_user');
  events = await createTestDatabase('cli_status_events');
  databases.push(user, events);
  project = await createRunnerProject('status', {
    user: { migrations: THREE_MIGRATIONS },
    events: { migrations: { '20240201000000_events': { up: 'CREATE TABLE "Event" ("id" INT);\n' } } },
  });
});
afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
  await removeProject(project);
});

describe('status', () => {
  test('everything pending on fresh databases: one table across databases, exit 1', async () => {
    const run = await kusto(project, ['status'], { env: env() });
    expect(run.exitCode).toBe(1);
    expect(rows(run.out)).toEqual([
      ['events', '20240201000000_events', 'pending'],
      ...Object.keys(THREE_MIGRATIONS).map((name) => ['user', name, 'pending']),
    ]);
    expect(run.out.at(-1)).toMatch(/^Not up to date: 4 pending\. Run kusto-db migrate -t deploy/);
  });

  test('--json prints one document that parses, with the same exit code', async () => {
    const run = await kusto(project, ['migrate', '-t', 'status', '--json'], { env: env() });
    expect(run.exitCode).toBe(1);
    expect(run.out).toHaveLength(1);
    const document = JSON.parse(run.out[0]!) as StatusDocument;
    expect(document.upToDate).toBe(false);
    expect(document.databases.map((database) => [database.database, database.counts.pending, database.error])).toEqual([
      ['events', 1, null],
      ['user', 3, null],
    ]);
    expect(document.databases[1]!.migrations[0]).toMatchObject({ name: FIRST, state: 'pending', appliedAt: null, hasDown: true });
  });

  test('exit 0 once everything is applied, for status and migrate -t status', async () => {
    for (const [name, database] of [['user', user], ['events', events]] as const) {
      const migrator = createMigrator({ database: name, url: database.url, migrationsDir: migrationsDirOf(project, name) });
      expect((await migrator.deploy()).ok).toBe(true);
    }
    for (const argv of [['status'], ['migrate', '-t', 'status'], ['status', '-d', 'user']]) {
      const run = await kusto(project, argv, { env: env() });
      expect({ argv, exitCode: run.exitCode }).toEqual({ argv, exitCode: 0 });
      expect(rows(run.out).every(([, , state]) => state === 'applied')).toBe(true);
      expect(run.out.at(-1)).toMatch(/up to date\.$/i);
      expect(run.text).not.toContain(passwordOf(user.url));
    }
    const json = await kusto(project, ['status', '--json'], { env: env() });
    expect((JSON.parse(json.out[0]!) as StatusDocument).databases[1]!.migrations[0]!.appliedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  test('a migration edited after it was applied is a checksum mismatch: exit 1', async () => {
    const file = path.join(migrationsDirOf(project, 'user'), FIRST, 'migration.sql');
    const original = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, `${original}-- edited\n`);
    try {
      const run = await kusto(project, ['status', '-d', 'user'], { env: env() });
      expect(run.exitCode).toBe(1);
      expect(rows(run.out)[0]).toEqual(['user', FIRST, 'checksum mismatch']);
      expect(run.out.at(-1)).toBe('Not up to date: 1 checksum mismatch.');
    } finally {
      fs.writeFileSync(file, original);
    }
  });

  test('an applied migration whose folder is gone is missing locally: exit 1', async () => {
    const dir = path.join(migrationsDirOf(project, 'events'), '20240201000000_events');
    const moved = path.join(project, 'moved-away');
    fs.renameSync(dir, moved);
    try {
      const run = await kusto(project, ['status', '-d', 'events'], { env: env() });
      expect(run.exitCode).toBe(1);
      expect(rows(run.out)).toEqual([['events', '20240201000000_events', 'missing locally']]);
      expect(run.out.at(-1)).toBe('Not up to date: 1 missing locally.');
    } finally {
      fs.renameSync(moved, dir);
    }
  });

  test('a failed migration is reported with its error: exit 1, and later ones stay pending', async () => {
    writeMigrations(migrationsDirOf(project, 'events'), {
      '20240202000000_broken': { up: 'SELECT 1;\nSELEC 2;\n' },
      '20240203000000_after': { up: 'SELECT 3;\n' },
    });
    const migrator = createMigrator({ database: 'events', url: events.url, migrationsDir: migrationsDirOf(project, 'events') });
    expect((await migrator.deploy()).ok).toBe(false);
    const run = await kusto(project, ['status', '-d', 'events'], { env: env() });
    expect(run.exitCode).toBe(1);
    expect(rows(run.out)).toEqual([
      ['events', '20240201000000_events', 'applied'],
      ['events', '20240202000000_broken', 'failed'],
      ['events', '20240203000000_after', 'pending'],
    ]);
    expect(run.err.join('\n')).toMatch(/events: 20240202000000_broken failed: .*syntax error/);
    expect(run.out.at(-1)).toMatch(/^Not up to date: 1 pending, 1 failed\./);
  });

  test('status --json shows the target as scheme, host, port, database and parameter names; a password with an unencoded "/" is refused, never shown', async () => {
    const withValue = new URL(user.url);
    withValue.searchParams.set('application_name', 'LEAKvalue');
    const { host, pathname } = new URL(user.url);
    const run = await kusto(project, ['status', '-d', 'user', '--json'], { env: { RDS_USER_URL: withValue.toString() } });
    const document = JSON.parse(run.out[0]!) as StatusDocument;
    expect(document.databases[0]!.connection).toMatchObject({ target: `postgresql://${host}${pathname}?application_name` });
    expect(run.text).not.toMatch(/LEAK/);

    const refused = await kusto(project, ['status', '--json'], { env: { ...env(), RDS_EVENTS_URL: `postgresql://app:5432/LEAKpw@${host}/cli_status_events` } });
    expect(refused.exitCode).toBe(1);
    expect(refused.err.join('\n')).toMatch(/RDS_EVENTS_URL.*percent-encode the password/);
    expect(refused.text).not.toMatch(/LEAK/);
  });

  test('an unreachable database is an error row, exit 1, the URL redacted', async () => {
    const run = await kusto(project, ['status', '-d', 'user'], { env: { RDS_USER_URL: 'postgresql://app:s3cret-pass@127.0.0.1:1/user' } });
    expect(run.exitCode).toBe(1);
    expect(rows(run.out)).toEqual([['user', '-', 'error']]);
    expect(run.err.join('\n')).toMatch(/Could not connect to database "user"/);
    expect(run.text).not.toContain('s3cret-pass');
  });
});
