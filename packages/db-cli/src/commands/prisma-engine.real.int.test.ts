import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { runCli } from '../cli.js';
import { capture, createProject, EVENT_MODELS, removeProject, schemaFor, USER_MODELS } from '../test-support/project.js';

// The engine-backed commands end to end, when Prisma's schema engine can be used (it is a native
// binary Prisma downloads on first use; build machines here are offline). Opt in with
// KUSTO_PRISMA_ENGINE=real (and PRISMA_SCHEMA_ENGINE_BINARY if the engine is not in Prisma's cache).
const realEngine = process.env.KUSTO_PRISMA_ENGINE === 'real';
const suite = realEngine ? describe : describe.skip;

async function tables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    return rows.map((row) => row.table_name);
  } finally {
    await client.end();
  }
}

suite('with a real schema engine (skipped unless KUSTO_PRISMA_ENGINE=real: Prisma cannot download its engine offline)', () => {
  let project: string;
  let user: TestDatabase;
  let events: TestDatabase;

  async function kusto(argv: string[]) {
    const output = capture();
    const exitCode = await runCli(argv, {
      cwd: project,
      env: { ...process.env, CHECKPOINT_DISABLE: '1', RDS_USER_URL: user.url, RDS_ANALYTICS_EVENTS_URL: events.url },
      io: output.io,
      interactive: false,
    });
    return { exitCode, ...output };
  }

  beforeAll(async () => {
    [user, events] = await Promise.all([createTestDatabase('cli_user'), createTestDatabase('cli_events')]);
    project = await createProject('real-engine', {
      user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS) },
      analyticsEvents: { 'schema.prisma': schemaFor('postgresql', EVENT_MODELS) },
    });
  });
  afterAll(async () => {
    await removeProject(project);
    await Promise.all([user.drop(), events.drop()]);
  });

  test('push -d user changes that database only', async () => {
    expect((await kusto(['push', '-d', 'user', '--force'])).exitCode).toBe(0);
    expect(await tables(user.url)).toEqual(['User']);
    expect(await tables(events.url)).toEqual([]);
  }, 120_000);

  test('migrate -t dev creates the migration and its down.sql', async () => {
    const { exitCode, out } = await kusto(['migrate', '-t', 'dev', '-d', 'analyticsEvents', '-n', 'init events']);
    expect(exitCode).toBe(0);
    const migrations = path.join(project, 'src/app/db/analyticsEvents/migrations');
    const [created] = fs.readdirSync(migrations).filter((entry) => entry.endsWith('_init_events'));
    expect(fs.readFileSync(path.join(migrations, created!, 'down.sql'), 'utf8')).toMatch(/DROP TABLE "Event"/);
    expect(out.join('\n')).toMatch(/Wrote .*down\.sql/);
    expect(await tables(events.url)).toEqual(['Event', '_prisma_migrations']);
  }, 120_000);

  test('migrate -t diff from the database to the schema is empty after migrate dev', async () => {
    const { exitCode } = await kusto(['migrate', '-t', 'diff', '-d', 'analyticsEvents', '--from-config-datasource', '--to-schema', 'src/app/db/analyticsEvents/schema.prisma', '--exit-code']);
    expect(exitCode).toBe(0);
  }, 120_000);

  test('pull -d user writes the database structure into its schema', async () => {
    expect((await kusto(['pull', '-d', 'user', '--force'])).exitCode).toBe(0);
    expect(fs.readFileSync(path.join(project, 'src/app/db/user/schema.prisma'), 'utf8')).toMatch(/model User \{/);
  }, 120_000);

  test('migrate -t reset -d analyticsEvents re-applies its migrations', async () => {
    expect((await kusto(['migrate', '-t', 'reset', '-d', 'analyticsEvents', '--force'])).exitCode).toBe(0);
    expect(await tables(events.url)).toEqual(['Event', '_prisma_migrations']);
  }, 120_000);
});
