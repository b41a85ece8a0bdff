import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import type { MariaDbServer } from '@kusto/test-servers';
import { writeMigrations, type MigrationSpec } from '@kusto/test-servers/migration-fixtures';
import { createTestDatabase, createTestMariaDbDatabase, mariadbAvailability, startTestMariaDb, type TestDatabase } from '@kusto/test-servers/testing';
import { removeProject } from '../../test-support/project.js';
import { createRunnerProject, kusto, migrationsDirOf, passwordOf } from '../../test-support/runner-cli.js';

// `kusto-db migrate -t deploy/status/resolve` and `rollback` on each provider, offline: the
// native runner end to end through the CLI, against a real server (SQLite: a file the URL names
// relative to the database folder).

const MIGRATIONS: Readonly<Record<string, MigrationSpec>> = {
  '20240101000000_users': { up: 'CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(191) NOT NULL);\n', down: 'DROP TABLE users;\n' },
  '20240102000000_posts': { up: 'CREATE TABLE posts (id INTEGER PRIMARY KEY, title VARCHAR(191));\n', down: 'DROP TABLE posts;\n' },
};
const BROKEN = '20240103000000_broken';

const mariadb = await mariadbAvailability();

interface Provider {
  readonly name: 'postgresql' | 'mysql' | 'sqlite';
  readonly skip: string | undefined;
  url(project: string): Promise<string>;
  cleanUp(): Promise<void>;
}

const databases: TestDatabase[] = [];
let mariadbServer: MariaDbServer | undefined;

const PROVIDERS: readonly Provider[] = [
  {
    name: 'postgresql',
    skip: undefined,
    async url() {
      const database = await createTestDatabase('cli_providers');
      databases.push(database);
      return database.url;
    },
    cleanUp: () => Promise.resolve(),
  },
  {
    name: 'mysql',
    skip: mariadb.available ? undefined : mariadb.reason,
    async url() {
      mariadbServer ??= await startTestMariaDb();
      const database = await createTestMariaDbDatabase(mariadbServer, 'cli_providers');
      return database.url;
    },
    async cleanUp() {
      // The server is this file's own: closing it removes its databases.
      await mariadbServer?.close();
    },
  },
  {
    name: 'sqlite',
    skip: undefined,
    url: () => Promise.resolve('file:./dev.db'),
    cleanUp: () => Promise.resolve(),
  },
];

afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
});

describe.each(PROVIDERS.map((provider) => [provider.skip === undefined ? provider.name : `${provider.name} (skipped: ${provider.skip})`, provider] as const))(
  'kusto-db on %s',
  (_title, provider) => {
    const suite = provider.skip === undefined ? describe : describe.skip;
    suite('deploy, status, resolve and rollback through the native runner', () => {
      let project: string;
      let env: NodeJS.ProcessEnv;
      beforeAll(async () => {
        project = await createRunnerProject(`providers-${provider.name}`, { user: { migrations: MIGRATIONS } }, provider.name);
        writeMigrations(migrationsDirOf(project, 'user'), { [BROKEN]: { up: 'INSERT INTO missing_table VALUES (1);\n' } }, provider.name);
        env = { RDS_USER_URL: await provider.url(project) };
      }, 60_000);
      afterAll(async () => {
        await provider.cleanUp();
        await removeProject(project);
      });

      test('a wrong password: the user and password in RDS_USER_URL are what to check (a server database only)', async () => {
        if (provider.name === 'sqlite') return;
        const wrong = new URL(env.RDS_USER_URL!);
        wrong.password = 'not-the-password';
        for (const argv of [['status', '-d', 'user'], ['migrate', '-t', 'deploy', '-d', 'user', '--wait', '0', '--force']]) {
          const run = await kusto(project, argv, { env: { RDS_USER_URL: wrong.href } });
          expect(run.exitCode).toBe(1);
          expect(run.text).toMatch(/Could not connect to database "user": .*\. Check the user and password in RDS_USER_URL\./);
          expect(run.text).not.toContain('Check that the server runs');
          expect(run.text).not.toContain('transaction pooler');
          expect(run.text).not.toContain('not-the-password');
        }
      }, 60_000);

      test('a failed deploy advises the native resolve; resolve, fix, deploy; resolve refuses what Prisma refuses; rollback', async () => {
        const failed = await kusto(project, ['migrate', '-t', 'deploy', '-d', 'user', '--wait', '0', '--force'], { env });
        expect(failed.exitCode).toBe(1);
        expect(failed.text).toContain(`kusto-db migrate -t resolve -d user --rolled-back ${BROKEN}`);
        expect(failed.text).not.toContain('prisma migrate resolve');
        // The broken migration's only statement failed, so nothing of it needs undoing (MySQL runs it outside a transaction).
        expect(failed.text).not.toContain('Undo what took effect');
        if (provider.name === 'sqlite') expect(fs.existsSync(path.join(project, 'src/app/db/user/dev.db'))).toBe(true);

        const failedStatus = await kusto(project, ['status', '-d', 'user'], { env });
        expect(failedStatus.exitCode).toBe(1);
        expect(failedStatus.err.join('\n')).toContain(`kusto-db migrate -t resolve -d user --rolled-back ${BROKEN}, then deploy again.`);
        const resolved = await kusto(project, ['migrate', '-t', 'resolve', '-d', 'user', '--rolled-back', BROKEN], { env });
        expect(resolved.exitCode).toBe(0);
        expect(resolved.out.join('\n')).toContain(`${BROKEN} marked rolled back: deploy runs it again`);

        fs.writeFileSync(path.join(migrationsDirOf(project, 'user'), BROKEN, 'migration.sql'), 'CREATE TABLE fixed (id INTEGER);\n');
        expect((await kusto(project, ['migrate', '-t', 'deploy', '-d', 'user', '--wait', '0', '--force'], { env })).exitCode).toBe(0);
        const status = await kusto(project, ['status', '-d', 'user'], { env });
        expect(status.exitCode).toBe(0);

        const refused = await kusto(project, ['migrate', '-t', 'resolve', '-d', 'user', '--applied', BROKEN], { env });
        expect(refused.exitCode).toBe(1);
        expect(refused.text).toContain('is already recorded as applied');
        expect(refused.text).not.toMatch(/\n\s+at /);

        const rolled = await kusto(project, ['rollback', '-d', 'user', '-t', '1', '--force'], { env });
        expect(rolled.text).toContain('down.sql');
        for (const run of [failed, resolved, status, refused, rolled]) {
          if (provider.name !== 'sqlite') expect(run.text).not.toContain(passwordOf(env.RDS_USER_URL!));
        }
      }, 60_000);
    });
  },
);
