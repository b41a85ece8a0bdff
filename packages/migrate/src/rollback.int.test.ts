import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
import { migrationChecksum } from './checksum.js';
import { createMigrator, type Migrator } from './migrator.js';
import { columnNames, makeTempDir, prismaRows, query, tableNames, THREE_MIGRATIONS, writeMigrations } from '@kusto/test-servers/migration-fixtures';

const databases: TestDatabase[] = [];
let root: string;

beforeAll(() => {
  root = makeTempDir('kusto-rollback');
});

afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
  fs.rmSync(root, { recursive: true, force: true });
});

/** A database with THREE_MIGRATIONS (optionally changed) deployed. */
async function deployed(label: string, change?: (migrationsDir: string) => void): Promise<{ database: TestDatabase; migrationsDir: string; migrator: Migrator }> {
  const database = await createTestDatabase(label);
  databases.push(database);
  const migrationsDir = path.join(root, label);
  writeMigrations(migrationsDir, THREE_MIGRATIONS);
  change?.(migrationsDir);
  const migrator = createMigrator({ database: label, url: database.url, migrationsDir });
  const result = await migrator.deploy();
  expect(result.error).toBeUndefined();
  return { database, migrationsDir, migrator };
}

async function snapshot(url: string): Promise<unknown> {
  return {
    tables: await tableNames(url),
    post: await columnNames(url, 'Post'),
    rows: (await prismaRows(url)).map((row) => [row.id, row.migration_name, row.finished_at?.toISOString()]),
  };
}

describe('rollback', () => {
  it('reverts the 2 newest migrations newest first, removes their rows, keeps history, and deploy re-applies them', async () => {
    const { database, migrator } = await deployed('rollback_two');
    const before = await prismaRows(database.url);

    const result = await migrator.rollback({ steps: 2 });
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ ok: true, outcome: 'rolledBack' });
    expect(result.results.map(({ name, direction, status, transactional }) => [name, direction, status, transactional])).toEqual([
      ['20240103000000_post_body', 'down', 'succeeded', true],
      ['20240102000000_posts', 'down', 'succeeded', true],
    ]);

    expect(await tableNames(database.url)).toEqual(['User', '_kusto_migrations_history', '_prisma_migrations']);
    expect((await prismaRows(database.url)).map((row) => row.migration_name)).toEqual(['20240101000000_users']);

    const historyRows = await query<{ migration_name: string; action: string; checksum: string; down_checksum: string; removed_rows: Array<{ id: string }> }>(
      database.url,
      'SELECT * FROM _kusto_migrations_history ORDER BY performed_at, migration_name DESC',
    );
    expect(historyRows.map((row) => [row.migration_name, row.action])).toEqual([
      ['20240103000000_post_body', 'rolled_back'],
      ['20240102000000_posts', 'rolled_back'],
    ]);
    expect(historyRows[0]?.checksum).toBe(before.find((row) => row.migration_name === '20240103000000_post_body')?.checksum);
    expect(historyRows[0]?.down_checksum).toBe(migrationChecksum(THREE_MIGRATIONS['20240103000000_post_body']!.down!));
    expect(historyRows[0]?.removed_rows.map((row) => row.id)).toEqual([before[2]?.id]);

    const history = await migrator.history();
    expect(history.error).toBeUndefined();
    expect(history.entries.map((entry) => entry.migrationName).sort()).toEqual(['20240102000000_posts', '20240103000000_post_body']);
    const bodyEntry = history.entries.find((entry) => entry.migrationName === '20240103000000_post_body');
    expect(bodyEntry?.removedRows.map((row) => [row.id, row.startedAt.toISOString()])).toEqual([[before[2]?.id, before[2]?.started_at.toISOString()]]);

    const status = await migrator.status();
    expect(status.migrations.map((entry) => entry.state)).toEqual(['applied', 'pending', 'pending']);

    const redeploy = await migrator.deploy();
    expect(redeploy.results.map(({ name, status }) => [name, status])).toEqual([
      ['20240102000000_posts', 'succeeded'],
      ['20240103000000_post_body', 'succeeded'],
    ]);
    expect(await columnNames(database.url, 'Post')).toEqual(['id', 'title', 'body']);
    expect((await migrator.status()).upToDate).toBe(true);
  });

  it('reverts everything newer than a named migration', async () => {
    const { database, migrator } = await deployed('rollback_to');
    const result = await migrator.rollback({ to: '20240101000000_users' });
    expect(result.results.map((entry) => entry.name)).toEqual(['20240103000000_post_body', '20240102000000_posts']);
    expect(await tableNames(database.url)).toEqual(['User', '_kusto_migrations_history', '_prisma_migrations']);

    const nothing = await migrator.rollback({ to: '20240101000000_users' });
    expect(nothing).toMatchObject({ ok: true, outcome: 'nothingToDo', results: [] });
  });

  it('refuses, changing nothing, when a targeted migration has no down.sql', async () => {
    const { database, migrator } = await deployed('rollback_nodown', (dir) => fs.rmSync(path.join(dir, '20240102000000_posts', 'down.sql')));
    const before = await snapshot(database.url);

    const result = await migrator.rollback({ steps: 2 });
    expect(result).toMatchObject({ ok: false, outcome: 'refused', results: [] });
    expect(result.error?.code).toBe('DOWN_MIGRATION_MISSING');
    expect(result.error?.message).toContain('20240102000000_posts');
    expect(result.error?.message).not.toContain('20240103000000_post_body');
    expect(await snapshot(database.url)).toEqual(before);
    expect(await tableNames(database.url)).not.toContain('_kusto_migrations_history');

    expect((await migrator.rollback({ steps: 1 })).ok).toBe(true);
  });

  it('refuses an unknown or ambiguous target, listing the candidates', async () => {
    const { database, migrator } = await deployed('rollback_target');
    const before = await snapshot(database.url);

    const unknown = await migrator.rollback({ to: 'nope' });
    expect(unknown).toMatchObject({ ok: false, outcome: 'refused' });
    expect(unknown.error?.message).toContain('20240101000000_users, 20240102000000_posts, 20240103000000_post_body');

    const ambiguous = await migrator.rollback({ to: '2024010' });
    expect(ambiguous.error?.code).toBe('ROLLBACK_TARGET_INVALID');
    expect(ambiguous.error?.message).toContain('matches several');

    const tooMany = await migrator.rollback({ steps: 4 });
    expect(tooMany.error?.message).toContain('only 3 are applied');
    expect(await snapshot(database.url)).toEqual(before);
  });

  it('dry run returns the SQL it would run and changes nothing', async () => {
    const { database, migrator } = await deployed('rollback_dry');
    const before = await snapshot(database.url);

    const result = await migrator.rollback({ steps: 2, dryRun: true });
    expect(result).toMatchObject({ ok: true, outcome: 'dryRun', results: [] });
    expect(result.plan.map(({ name, sql, statements, transactional }) => ({ name, sql, statements, transactional }))).toEqual([
      {
        name: '20240103000000_post_body',
        sql: THREE_MIGRATIONS['20240103000000_post_body']!.down,
        statements: ['ALTER TABLE "Post" DROP COLUMN "body"'],
        transactional: true,
      },
      {
        name: '20240102000000_posts',
        sql: THREE_MIGRATIONS['20240102000000_posts']!.down,
        statements: ['DROP INDEX "Post_title_idx"', 'DROP TABLE "Post"'],
        transactional: true,
      },
    ]);
    expect(await snapshot(database.url)).toEqual(before);
  });

  it('keeps the migration applied when its down.sql fails, and stops there', async () => {
    const { database, migrator } = await deployed('rollback_fail', (dir) =>
      fs.writeFileSync(path.join(dir, '20240102000000_posts', 'down.sql'), 'DROP INDEX "Post_title_idx";\nDROP TABLE "NoSuchTable";\n'),
    );
    const result = await migrator.rollback({ steps: 3 });
    expect(result).toMatchObject({ ok: false, outcome: 'failed' });
    expect(result.results.map(({ name, status }) => [name, status])).toEqual([
      ['20240103000000_post_body', 'succeeded'],
      ['20240102000000_posts', 'failed'],
      ['20240101000000_users', 'notRun'],
    ]);
    expect(result.error?.code).toBe('ROLLBACK_FAILED');
    expect(await tableNames(database.url)).toContain('Post');
    expect(await query(database.url, "SELECT 1 FROM pg_indexes WHERE indexname = 'Post_title_idx'")).toHaveLength(1);
    expect((await prismaRows(database.url)).map((row) => row.migration_name)).toEqual(['20240101000000_users', '20240102000000_posts']);
  });

  it('refuses to revert a migration edited since it was applied unless told to', async () => {
    const { migrationsDir, migrator } = await deployed('rollback_edited');
    fs.appendFileSync(path.join(migrationsDir, '20240103000000_post_body', 'migration.sql'), '-- edited\n');
    const refused = await migrator.rollback({ steps: 1 });
    expect(refused).toMatchObject({ outcome: 'refused' });
    expect(refused.error?.code).toBe('CHECKSUM_MISMATCH');
    const forced = await migrator.rollback({ steps: 1, ignoreChecksumMismatch: true });
    expect(forced).toMatchObject({ ok: true, outcome: 'rolledBack' });
  });
});
