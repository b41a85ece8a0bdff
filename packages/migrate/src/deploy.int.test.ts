import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createMigrator } from './migrator.js';
import { LOCK_WAIT_NOTICE_MS } from './session.js';
import { PRISMA_ADVISORY_LOCK_KEY } from './dialects/postgres/connection.js';
import { columnNames, freshDatabases, makeTempDir, prismaRows, query, recordingLogger, tableNames, THREE_MIGRATIONS, writeMigrations } from '@kusto/test-servers/migration-fixtures';

const freshDatabase = freshDatabases();
let root: string;

beforeAll(() => {
  root = makeTempDir('kusto-deploy');
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('deploy', () => {
  it('applies three migrations, records them as Prisma does, and has nothing to do the second time', async () => {
    const database = await freshDatabase('deploy_three');
    const migrationsDir = path.join(root, 'three');
    writeMigrations(migrationsDir, THREE_MIGRATIONS);
    const logger = recordingLogger();
    const migrator = createMigrator({ database: 'user', url: database.url, migrationsDir, logger });

    const first = await migrator.deploy();
    expect(first.error).toBeUndefined();
    expect(first).toMatchObject({ ok: true, outcome: 'applied' });
    expect(first.results.map(({ name, status, transactional }) => ({ name, status, transactional }))).toEqual(
      Object.keys(THREE_MIGRATIONS).map((name) => ({ name, status: 'succeeded', transactional: true })),
    );
    for (const result of first.results) {
      expect(result.startedAt).toBeInstanceOf(Date);
      expect(typeof result.durationMs).toBe('number');
    }
    expect(await tableNames(database.url)).toEqual(['Post', 'User', '_prisma_migrations']);
    expect(await columnNames(database.url, 'Post')).toEqual(['id', 'title', 'body']);
    // The lock was free: no word about waiting for it.
    expect(logger.lines.filter((line) => line.includes('waiting for the migration lock'))).toEqual([]);

    const rows = await prismaRows(database.url);
    expect(rows.map((row) => row.migration_name)).toEqual(Object.keys(THREE_MIGRATIONS));
    for (const row of rows) {
      const script = fs.readFileSync(path.join(migrationsDir, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(script).digest('hex'));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(logger.lines.some((line) => line.includes('applied 20240103000000_post_body'))).toBe(true);

    const second = await migrator.deploy();
    expect(second).toMatchObject({ ok: true, outcome: 'upToDate', results: [] });
    expect(await prismaRows(database.url)).toHaveLength(3);
  });

  it('records times from the injected clock', async () => {
    const database = await freshDatabase('deploy_clock');
    const migrationsDir = path.join(root, 'clock');
    writeMigrations(migrationsDir, { '20240101000000_one': { up: 'CREATE TABLE one (id int);' } });
    const times = [new Date('2030-01-01T00:00:00Z'), new Date('2030-01-01T00:00:05Z')];
    let call = 0;
    const result = await createMigrator({ database: 'clock', url: database.url, migrationsDir, clock: () => times[call++]! }).deploy();
    expect(result.ok).toBe(true);
    const [row] = await prismaRows(database.url);
    expect(row?.started_at.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(row?.finished_at?.toISOString()).toBe('2030-01-01T00:00:05.000Z');
  });

  it('rolls back a migration whose second statement fails, records it failed, and runs nothing after it', async () => {
    const database = await freshDatabase('deploy_fail');
    const migrationsDir = path.join(root, 'fail');
    writeMigrations(migrationsDir, {
      '20240101000000_ok': { up: 'CREATE TABLE ok (id int);' },
      '20240102000000_broken': { up: 'CREATE TABLE half (id int);\n-- the typo\nCREATE TABLEX nope (id int);\nCREATE TABLE never (id int);\n' },
      '20240103000000_later': { up: 'CREATE TABLE later (id int);' },
    });
    const migrator = createMigrator({ database: 'fail', url: database.url, migrationsDir });

    const result = await migrator.deploy();
    expect(result).toMatchObject({ ok: false, outcome: 'failed' });
    expect(result.results.map(({ name, status }) => [name, status])).toEqual([
      ['20240101000000_ok', 'succeeded'],
      ['20240102000000_broken', 'failed'],
      ['20240103000000_later', 'notRun'],
    ]);
    const failure = result.results[1]!.error!;
    expect(failure.code).toBe('MIGRATION_FAILED');
    expect(failure.statement).toBe('CREATE TABLEX nope (id int)');
    expect(failure.statementIndex).toBe(1);
    expect(failure.line).toBe(3);
    expect(failure.databaseCode).toBe('42601');
    expect(failure.databaseMessage).toContain('syntax error at or near "TABLEX"');
    expect(result.error).toBe(failure);

    expect(await tableNames(database.url)).toEqual(['_prisma_migrations', 'ok']);
    const rows = await prismaRows(database.url);
    expect(rows.map((row) => [row.migration_name, row.finished_at === null, row.applied_steps_count])).toEqual([
      ['20240101000000_ok', false, 1],
      ['20240102000000_broken', true, 0],
    ]);
    expect(rows[1]?.logs).toContain('CREATE TABLEX nope (id int)');
    expect(rows[1]?.logs).toContain('syntax error');

    const status = await migrator.status();
    expect(status.upToDate).toBe(false);
    expect(status.counts).toMatchObject({ applied: 1, failed: 1, pending: 1 });

    // Like Prisma, a later deploy refuses while the failure is unresolved …
    const again = await migrator.deploy();
    expect(again.error?.code).toBe('FAILED_MIGRATIONS_PRESENT');
    expect(again.results).toEqual([]);

    // … and runs the fixed migration once it is marked rolled back.
    fs.writeFileSync(path.join(migrationsDir, '20240102000000_broken', 'migration.sql'), 'CREATE TABLE half (id int);\n');
    const resolved = await migrator.markRolledBack('20240102000000_broken');
    expect(resolved).toMatchObject({ ok: true, updated: 1 });
    const retried = await migrator.deploy();
    expect(retried.results.map(({ name, status }) => [name, status])).toEqual([
      ['20240102000000_broken', 'succeeded'],
      ['20240103000000_later', 'succeeded'],
    ]);
    expect((await migrator.status()).upToDate).toBe(true);
  });

  it('lets one of two concurrent deploys wait for the other: every migration runs exactly once', async () => {
    const database = await freshDatabase('deploy_race');
    const migrationsDir = path.join(root, 'race');
    writeMigrations(migrationsDir, {
      ...THREE_MIGRATIONS,
      // Slow enough that the second deploy arrives while the first holds the lock.
      '20240104000000_slow': { up: 'SELECT pg_sleep(0.3);\nCREATE TABLE slow (id int);' },
    });
    const a = createMigrator({ database: 'race', url: database.url, migrationsDir });
    const b = createMigrator({ database: 'race', url: database.url, migrationsDir });

    const [first, second] = await Promise.all([a.deploy(), b.deploy()]);
    expect(first.ok && second.ok).toBe(true);
    const succeeded = [...first.results, ...second.results].filter((result) => result.status === 'succeeded').map((result) => result.name);
    expect(succeeded.sort()).toEqual([...Object.keys(THREE_MIGRATIONS), '20240104000000_slow'].sort());
    expect([first.outcome, second.outcome].sort()).toEqual(['applied', 'upToDate']);
    const rows = await prismaRows(database.url);
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((row) => row.migration_name)).size).toBe(4);
  });

  it('returns LOCK_TIMEOUT while another session holds the migration lock, and touches nothing', async () => {
    const database = await freshDatabase('deploy_locked');
    const migrationsDir = path.join(root, 'locked');
    writeMigrations(migrationsDir, { '20240101000000_one': { up: 'CREATE TABLE one (id int);' } });
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
      const logger = recordingLogger();
      const result = await createMigrator({ database: 'locked', url: database.url, migrationsDir, lockTimeoutMs: LOCK_WAIT_NOTICE_MS + 500, logger }).deploy();
      expect(result).toMatchObject({ ok: false, outcome: 'failed' });
      expect(result.error?.code).toBe('LOCK_TIMEOUT');
      expect(logger.lines).toContain('info locked: waiting for the migration lock (another run holds it)');
      expect(await tableNames(database.url)).toEqual([]);
    } finally {
      await holder.end();
    }
  });

  it('runs a migration with CREATE INDEX CONCURRENTLY outside a transaction', async () => {
    const database = await freshDatabase('deploy_concurrently');
    const migrationsDir = path.join(root, 'concurrently');
    writeMigrations(migrationsDir, {
      '20240101000000_table': { up: 'CREATE TABLE t (a int);' },
      '20240102000000_index': { up: '-- no transaction possible\nCREATE INDEX CONCURRENTLY "t_a_idx" ON t (a);\n' },
    });
    const result = await createMigrator({ database: 'conc', url: database.url, migrationsDir }).deploy();
    expect(result.error).toBeUndefined();
    expect(result.results[1]).toMatchObject({ status: 'succeeded', transactional: false, nonTransactionalReason: 'contains CREATE INDEX CONCURRENTLY' });
    expect(await query(database.url, "SELECT indexname FROM pg_indexes WHERE indexname = 't_a_idx'")).toHaveLength(1);
  });

  it('runs statements with quotes, semicolons, dollar quotes and comments as written', async () => {
    const database = await freshDatabase('deploy_quotes');
    const migrationsDir = path.join(root, 'quotes');
    writeMigrations(migrationsDir, {
      '20240101000000_tricky': {
        up: `CREATE TABLE notes (body text);
INSERT INTO notes VALUES ('semi; colon'), (E'it\\'s; escaped'), ($$dollar; 'quoted'$$); /* ; */
CREATE FUNCTION touch() RETURNS trigger AS $fn$
BEGIN
  NEW.body := NEW.body || ';';
  RETURN NEW;
END;
$fn$ LANGUAGE plpgsql;
`,
      },
    });
    const result = await createMigrator({ database: 'quotes', url: database.url, migrationsDir }).deploy();
    expect(result.error).toBeUndefined();
    expect(result.results[0]?.statementCount).toBe(3);
    expect((await query<{ body: string }>(database.url, 'SELECT body FROM notes ORDER BY body')).map((row) => row.body)).toEqual([
      'dollar; \'quoted\'',
      "it's; escaped",
      'semi; colon',
    ]);
  });

  it('applies into the schema named by the URL, as Prisma does', async () => {
    const database = await freshDatabase('deploy_schema');
    const migrationsDir = path.join(root, 'schema');
    writeMigrations(migrationsDir, { '20240101000000_one': { up: 'CREATE TABLE one (id int);' } });
    const url = `${database.url}?schema=tenant`;
    const migrator = createMigrator({ database: 'schema', url, migrationsDir });
    expect((await migrator.deploy()).ok).toBe(true);
    const tables = await query<{ schemaname: string; tablename: string }>(
      database.url,
      "SELECT schemaname, tablename FROM pg_tables WHERE schemaname IN ('public', 'tenant') ORDER BY 1, 2",
    );
    expect(tables).toEqual([
      { schemaname: 'tenant', tablename: '_prisma_migrations' },
      { schemaname: 'tenant', tablename: 'one' },
    ]);
    expect((await migrator.status()).upToDate).toBe(true);
  });

  it('refuses a URL that declares a transaction pooler (pgbouncer=true) before taking the lock; status still reads through it', async () => {
    const database = await freshDatabase('deploy_pooled');
    const migrationsDir = path.join(root, 'pooled');
    writeMigrations(migrationsDir, { '20240101000000_one': { up: 'CREATE TABLE one (id int);' } });
    const logger = recordingLogger();
    const migrator = createMigrator({ database: 'pooled', url: `${database.url}?pgbouncer=true`, migrationsDir, logger });
    const result = await migrator.deploy();
    expect(result).toMatchObject({ ok: false, outcome: 'failed', results: [] });
    expect(result.error?.code).toBe('SESSION_UNAVAILABLE');
    expect(result.error?.message).toMatch(/Database "pooled": its URL has pgbouncer=true .*Nothing was changed.*RDS_POOLED_DIRECT_URL/);
    expect(logger.lines.some((line) => line.includes('waiting for the migration lock'))).toBe(false);
    expect(await tableNames(database.url)).toEqual([]);
    const rollback = await migrator.rollback({ steps: 1 });
    expect(rollback.error?.code).toBe('SESSION_UNAVAILABLE');
    expect(await migrator.status()).toMatchObject({ error: undefined, hasMigrationsTable: false, counts: { pending: 1 } });
  });

  it('returns a connection failure as a result, without the password', async () => {
    const database = await freshDatabase('deploy_noauth');
    const migrationsDir = path.join(root, 'noauth');
    writeMigrations(migrationsDir, { '20240101000000_one': { up: 'SELECT 1;' } });
    const url = new URL(database.url);
    url.password = 'Secret-Pa55word';
    url.username = 'nobody_here';
    const result = await createMigrator({ database: 'noauth', url: url.toString(), migrationsDir, connectTimeoutMs: 5_000 }).deploy();
    expect(result).toMatchObject({ ok: false, outcome: 'failed' });
    expect(result.error?.code).toBe('CONNECTION_FAILED');
    expect(JSON.stringify(result)).not.toContain('Secret-Pa55word');
    expect(result.error?.message).not.toContain('Secret-Pa55word');
  });
});
