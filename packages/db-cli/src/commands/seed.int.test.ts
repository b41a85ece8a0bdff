import net from 'node:net';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
import { query } from '@kusto/test-servers/migration-fixtures';
import { removeProject } from '../test-support/project.js';
import { createRunnerProject, kusto, passwordOf } from '../test-support/runner-cli.js';

// `kusto-db seed` through the CLI entry against a real Postgres: each database's seed runs with
// its own URL, one database after another, its output prefixed by the database name.

/** A seed that records which database its URL variable pointed at, and prints the URL (which must reach the terminal redacted). */
const seed = (variable: string, source: string) => `import pg from 'pg';
const url = process.env[${JSON.stringify(variable)}] as string;
const client = new pg.Client({ connectionString: url });
await client.connect();
await client.query("CREATE TABLE IF NOT EXISTS seeded (source text, db text)");
await client.query("INSERT INTO seeded VALUES ($1, current_database())", [${JSON.stringify(source)}]);
await client.end();
console.log('seeded ' + url);
console.error('a warning from ${source}');
`;

const databases: TestDatabase[] = [];
let project: string;
let analytics: TestDatabase;
let user: TestDatabase;
const env = () => ({ RDS_ANALYTICS_URL: analytics.url, RDS_USER_URL: user.url });

beforeAll(async () => {
  analytics = await createTestDatabase('cli_seed_analytics');
  user = await createTestDatabase('cli_seed_user');
  databases.push(analytics, user);
  project = await createRunnerProject('seed', {
    analytics: { files: { 'seed.js': seed('RDS_ANALYTICS_URL', 'seed.js').replace(' as string', '') } },
    user: { files: { 'seed.ts': seed('RDS_USER_URL', 'seed.ts') } },
    plain: {},
  });
});
afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
  await removeProject(project);
});

test('runs every seed with its own URL, in name order, prefixing its output; a folder without a seed is skipped', async () => {
  const run = await kusto(project, ['seed'], { env: { ...env(), RDS_PLAIN_URL: user.url } });
  expect(run.exitCode).toBe(0);
  expect(await query(analytics.url, 'SELECT source, db FROM seeded')).toEqual([{ source: 'seed.js', db: analytics.name }]);
  expect(await query(user.url, 'SELECT source, db FROM seeded')).toEqual([{ source: 'seed.ts', db: user.name }]);
  expect(run.out).toContainEqual(expect.stringMatching(new RegExp(`^analytics \\| seeded postgresql://.*:\\*\\*\\*\\*@.*/${analytics.name}$`)));
  expect(run.err).toContain('user | a warning from seed.ts');
  const progress = run.out.filter((line) => /^[✔✖-] /.test(line));
  expect(progress.map((line) => line.replace(/ \(.*?\)/, ''))).toEqual([
    '✔ analytics seed ok: node seed.js',
    '- plain seed skipped: no seed.ts/seed.js and no migrations.seed in prisma.config.ts',
    '✔ user seed ok: tsx seed.ts',
  ]);
  expect(run.out.at(-5)).toMatch(/^database\s+result\s+time$/);
  expect(run.text).not.toContain(passwordOf(user.url));
});

test('-d seeds one database only', async () => {
  const run = await kusto(project, ['seed', '-d', 'analytics'], { env: env() });
  expect(run.exitCode).toBe(0);
  expect(await query(analytics.url, 'SELECT count(*)::int AS n FROM seeded')).toEqual([{ n: 2 }]);
  expect(await query(user.url, 'SELECT count(*)::int AS n FROM seeded')).toEqual([{ n: 1 }]);
});

test('a failing seed fails the command (exit 1) and the summary says which; the others still run', async () => {
  const broken = await createRunnerProject('seed-broken', {
    analytics: { files: { 'seed.ts': 'console.error("about to fail");\nprocess.exit(3);\n' } },
    user: { files: { 'seed.ts': seed('RDS_USER_URL', 'after-broken') } },
  });
  try {
    const run = await kusto(broken, ['seed'], { env: env() });
    expect(run.exitCode).toBe(1);
    expect(run.err).toContain('analytics | about to fail');
    expect(run.out).toContainEqual(expect.stringMatching(/^✖ analytics seed failed .*`tsx seed\.ts` exited with code 3/));
    expect(run.out.slice(-2).map((line) => line.split(/\s+/).slice(0, 2))).toEqual([
      ['analytics', 'failed'],
      ['user', 'ok'],
    ]);
    expect(await query(user.url, "SELECT count(*)::int AS n FROM seeded WHERE source = 'after-broken'")).toEqual([{ n: 1 }]);
  } finally {
    await removeProject(broken);
  }
});

test('a missing URL variable stops before any seed runs', async () => {
  const before = await query(user.url, 'SELECT count(*)::int AS n FROM seeded');
  const run = await kusto(project, ['seed'], { env: { RDS_USER_URL: user.url } });
  expect(run.exitCode).toBe(1);
  expect(run.err.join('\n')).toMatch(/Database "analytics" has no URL: set the environment variable RDS_ANALYTICS_URL\.\nDatabase "plain" has no URL: set the environment variable RDS_PLAIN_URL\.\nNothing was run\./);
  expect(await query(user.url, 'SELECT count(*)::int AS n FROM seeded')).toEqual(before);
});

/** A port on 127.0.0.1 that refuses connections (it was free a moment ago). */
async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('a seed that fails because its database is unreachable or refuses the login says so, not "fix the seed"', async () => {
  const project = await createRunnerProject('seed-unavailable', { user: { files: { 'seed.js': seed('RDS_USER_URL', 'seed.js') } } });
  try {
    const refused = new URL(user.url);
    refused.port = String(await refusedPort());
    const wrongPassword = new URL(user.url);
    wrongPassword.password = 'not-the-password';
    for (const [url, reason] of [
      [refused.href, /ECONNREFUSED/],
      [wrongPassword.href, /password authentication failed/],
    ] as const) {
      const run = await kusto(project, ['seed', '-d', 'user'], { env: { RDS_USER_URL: url } });
      expect(run.exitCode).toBe(1);
      const failure = run.out.find((line) => line.startsWith('✖ user seed failed')) ?? '';
      expect(failure).toMatch(/the seed failed because its database is unavailable: Could not connect to database "user": /);
      expect(failure).toMatch(reason);
      expect(run.text).not.toContain('Fix the seed');
      expect(run.text).not.toContain('not-the-password');
    }
  } finally {
    await removeProject(project);
  }
});
