import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { TestDatabase } from '@kusto/test-servers/testing';
import { freshDatabases, prismaRows, tableNames, THREE_MIGRATIONS } from '@kusto/test-servers/migration-fixtures';
import { removeProject } from '../../test-support/project.js';
import { createRunnerProject, kusto, migrationsDirOf, passwordOf } from '../../test-support/runner-cli.js';

// `kusto-db migrate -t deploy` through the CLI entry against a real Postgres. The countdown's
// sleeps return at once (the injected clock), so the 10 s are counted, not waited.

const BROKEN = {
  '20240101000000_ok': { up: 'CREATE TABLE "First" ("id" INT);\n' },
  '20240102000000_broken': { up: 'CREATE TABLE "Half" ("id" INT);\nCREATE TABLEX "Nope" ("id" INT);\n' },
  '20240103000000_later': { up: 'CREATE TABLE "Later" ("id" INT);\n' },
};

const freshDatabase = freshDatabases();
const projects: string[] = [];

async function project(spec: Parameters<typeof createRunnerProject>[1]): Promise<string> {
  const dir = await createRunnerProject('deploy', spec);
  projects.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(projects.map(removeProject));
});

describe('migrate -t deploy', () => {
  let user: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    user = await freshDatabase('cli_deploy_three');
    dir = await project({ user: { migrations: THREE_MIGRATIONS } });
  });

  test('counts down 10 s, applies three migrations with their names and times, then has nothing to do', async () => {
    const first = await kusto(dir, ['migrate', '-t', 'deploy', '-d', 'user'], { env: { RDS_USER_URL: user.url } });
    expect(first.exitCode).toBe(0);
    expect(first.sleeps).toEqual(Array.from({ length: 10 }, () => 1000));
    expect(first.err[0]).toBe('migrate -t deploy to "user" starts in 10 s. Press Ctrl+C to abort.');
    for (const name of Object.keys(THREE_MIGRATIONS)) expect(first.out).toContainEqual(expect.stringMatching(new RegExp(`^  user: applied ${name} in \\d+ ms$`)));
    expect(first.out).toContainEqual(expect.stringMatching(/^✔ user deploy via RDS_USER_URL \(.+\): applied 3 migrations$/));
    expect(first.out.at(-3)).toMatch(/^database\s+result\s+applied\s+time$/);
    expect(first.out.at(-1)).toMatch(/^user\s+applied\s+3\s+\d+(\.\d+)? m?s$/);
    expect(await tableNames(user.url)).toEqual(['Post', 'User', '_prisma_migrations']);
    const rows = await prismaRows(user.url);
    expect(rows.map((row) => row.migration_name)).toEqual(Object.keys(THREE_MIGRATIONS));
    for (const row of rows) {
      const script = fs.readFileSync(path.join(migrationsDirOf(dir, 'user'), row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(script).digest('hex'));
    }

    const second = await kusto(dir, ['migrate', '-t', 'deploy', '-d', 'user'], { env: { RDS_USER_URL: user.url } });
    expect(second.exitCode).toBe(0);
    expect(second.out).toContainEqual(expect.stringMatching(/^✔ user deploy via RDS_USER_URL \(.+\): nothing to do, up to date$/));
    expect(second.out.at(-1)).toMatch(/^user\s+up to date\s+0\s/);
    expect(await prismaRows(user.url)).toHaveLength(3);
    expect(first.text + second.text).not.toContain(passwordOf(user.url));
  });
});

describe('the countdown', () => {
  test('Ctrl+C during the countdown aborts with 130 and nothing is applied', async () => {
    const database = await freshDatabase('cli_deploy_abort');
    const dir = await project({ user: { migrations: THREE_MIGRATIONS } });
    const run = await kusto(dir, ['migrate', '-t', 'deploy', '-d', 'user'], { env: { RDS_USER_URL: database.url }, interruptAtSleep: 3 });
    expect(run.exitCode).toBe(130);
    expect(run.sleeps).toHaveLength(3);
    expect(run.err.at(-1)).toBe('Aborted: nothing was changed.');
    expect(run.out).toEqual([]);
    expect(await tableNames(database.url)).toEqual([]);
  });

  test('--wait may lengthen it; shortening it needs --force, and is refused before anything runs', async () => {
    const database = await freshDatabase('cli_deploy_wait');
    const dir = await project({ user: { migrations: THREE_MIGRATIONS } });
    const env = { RDS_USER_URL: database.url };

    const refused = await kusto(dir, ['migrate', '-t', 'deploy', '-d', 'user', '--wait', '2'], { env });
    expect(refused.exitCode).toBe(1);
    expect(refused.err.join('\n')).toMatch(/--wait 2 is shorter than the default 10 s; add --force/);
    expect(refused.sleeps).toEqual([]);
    expect(await tableNames(database.url)).toEqual([]);

    const longer = await kusto(dir, ['migrate', '-t', 'deploy', '-d', 'user', '--wait', '12'], { env, interruptAtSleep: 12 });
    expect({ exitCode: longer.exitCode, sleeps: longer.sleeps.length }).toEqual({ exitCode: 130, sleeps: 12 });

    const forced = await kusto(dir, ['migrate', '-t', 'deploy', '-d', 'user', '--wait', '0', '--force'], { env });
    expect({ exitCode: forced.exitCode, sleeps: forced.sleeps }).toEqual({ exitCode: 0, sleeps: [] });
    expect(await prismaRows(database.url)).toHaveLength(3);
  });
});

describe('failures', () => {
  test('stops at the failing migration with its statement and the database error; later databases are not touched', async () => {
    const accounts = await freshDatabase('cli_deploy_broken');
    const user = await freshDatabase('cli_deploy_after');
    const dir = await project({ accounts: { migrations: BROKEN }, user: { migrations: THREE_MIGRATIONS } });
    const run = await kusto(dir, ['migrate', '-t', 'deploy', '-a', '--wait', '0', '--force'], {
      env: { RDS_ACCOUNTS_URL: accounts.url, RDS_USER_URL: user.url },
    });
    expect(run.exitCode).toBe(1);
    const err = run.err.join('\n');
    expect(err).toMatch(/Migration "20240102000000_broken" of database "accounts" failed at statement 2 .*syntax error/);
    expect(err).toMatch(/failed at statement 2 \(.*20240102000000_broken\/migration\.sql:2\).*\n\s*Failing statement:\n\s+CREATE TABLEX "Nope" \("id" INT\);?/);
    // The file and line are named once.
    expect(err.split('20240102000000_broken/migration.sql:2')).toHaveLength(2);
    expect(err).toContain('Not run: 20240103000000_later.');
    expect(run.out).toContainEqual(expect.stringMatching(/^✖ accounts deploy failed/));
    expect(run.out).toContainEqual('■ user deploy not run: "accounts" failed first');
    expect(run.out.slice(-2).map((line) => line.split(/\s{2,}/).slice(0, 3))).toEqual([
      ['accounts', 'failed', '1'],
      ['user', 'not run', '0'],
    ]);
    // The broken migration's transaction left nothing; it is recorded as failed, as Prisma records it.
    expect(await tableNames(accounts.url)).toEqual(['First', '_prisma_migrations']);
    expect((await prismaRows(accounts.url)).map((row) => [row.migration_name, row.finished_at === null])).toEqual([
      ['20240101000000_ok', false],
      ['20240102000000_broken', true],
    ]);
    expect(await tableNames(user.url)).toEqual([]);
    expect(run.text).not.toContain(passwordOf(accounts.url));
  });

  test('a missing URL variable in any database stops before the countdown and before any database changes', async () => {
    const user = await freshDatabase('cli_deploy_missing');
    const dir = await project({ accounts: { migrations: BROKEN }, user: { migrations: THREE_MIGRATIONS } });
    const run = await kusto(dir, ['migrate', '-t', 'deploy'], { env: { RDS_USER_URL: user.url } });
    expect(run.exitCode).toBe(1);
    expect(run.err.join('\n')).toMatch(/Database "accounts" has no URL: set the environment variable RDS_ACCOUNTS_URL \(or RDS_ACCOUNTS_DIRECT_URL, which this command uses first\)\.\nNothing was run\./);
    expect(run.sleeps).toEqual([]);
    expect(await tableNames(user.url)).toEqual([]);
  });

  test('a server that refuses the connection fails that database, with the URL redacted', async () => {
    const dir = await project({ user: { migrations: THREE_MIGRATIONS } });
    const run = await kusto(dir, ['migrate', '-t', 'deploy', '--wait', '0', '--force'], {
      env: { RDS_USER_URL: 'postgresql://app:s3cret-pass@127.0.0.1:1/user' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.err.join('\n')).toMatch(/Could not connect to database "user"/);
    expect(run.text).not.toContain('s3cret-pass');
  });
});

test('a server that refuses the connection or the login: the deploy\'s own error, no pooler advice before it', async () => {
  const user = await freshDatabase('cli_deploy_unreachable');
  const dir = await project({ user: { migrations: THREE_MIGRATIONS } });
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  const refused = new URL(user.url);
  refused.port = String(port);
  const wrongPassword = new URL(user.url);
  wrongPassword.password = 'not-the-password';
  for (const [url, reason] of [
    [refused.href, /ECONNREFUSED.*Check that the server runs and that its URL is right\./],
    [wrongPassword.href, /password authentication failed for user "[^"]+"\. Check the user and password in RDS_USER_URL\./],
  ] as const) {
    const run = await kusto(dir, ['migrate', '-t', 'deploy', '-d', 'user', '--wait', '0', '--force'], { env: { RDS_USER_URL: url } });
    expect(run.exitCode).toBe(1);
    expect(run.text).not.toContain('transaction pooler');
    expect(run.text).toMatch(/Could not connect to database "user": /);
    expect(run.text).toMatch(reason);
    expect(run.text).not.toContain('not-the-password');
  }
});
