import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { migrationChecksum } from './checksum.js';
import { createMigrator } from './migrator.js';
import { freshDatabases, makeTempDir, THREE_MIGRATIONS, writeMigrations } from '@kusto/test-servers/migration-fixtures';

const freshDatabase = freshDatabases();
let root: string;

beforeAll(() => {
  root = makeTempDir('kusto-status');
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('status', () => {
  it('reports every migration pending on a fresh database, without creating the table', async () => {
    const database = await freshDatabase('status_fresh');
    const migrationsDir = path.join(root, 'fresh');
    writeMigrations(migrationsDir, THREE_MIGRATIONS);
    const status = await createMigrator({ database: 'fresh', url: database.url, migrationsDir }).status();
    expect(status).toMatchObject({ upToDate: false, hasMigrationsTable: false, error: undefined });
    expect(status.migrations.map((entry) => entry.state)).toEqual(['pending', 'pending', 'pending']);
    expect(status.counts.pending).toBe(3);

    const again = await createMigrator({ database: 'fresh', url: database.url, migrationsDir }).status();
    expect(again.hasMigrationsTable).toBe(false);
  });

  it('reports an edited applied migration as a checksum mismatch', async () => {
    const database = await freshDatabase('status_edited');
    const migrationsDir = path.join(root, 'edited');
    writeMigrations(migrationsDir, THREE_MIGRATIONS);
    const migrator = createMigrator({ database: 'edited', url: database.url, migrationsDir });
    expect((await migrator.deploy()).ok).toBe(true);
    expect((await migrator.status()).upToDate).toBe(true);

    const file = path.join(migrationsDir, '20240102000000_posts', 'migration.sql');
    const original = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, `${original}-- edited after apply\n`);

    const status = await migrator.status();
    expect(status.upToDate).toBe(false);
    const edited = status.migrations.find((entry) => entry.name === '20240102000000_posts');
    expect(edited).toMatchObject({
      state: 'checksumMismatch',
      appliedChecksum: migrationChecksum(original),
      localChecksum: migrationChecksum(`${original}-- edited after apply\n`),
    });
    expect(status.counts).toMatchObject({ applied: 2, checksumMismatch: 1 });

    const deploy = await migrator.deploy();
    expect(deploy).toMatchObject({ ok: true, outcome: 'upToDate' });
    expect(deploy.warnings).toEqual(['20240102000000_posts was edited after it was applied (checksum mismatch).']);
  });

  it('reports an applied migration whose folder is gone as missing locally, and a folder without migration.sql as ignored', async () => {
    const database = await freshDatabase('status_missing');
    const migrationsDir = path.join(root, 'missing');
    writeMigrations(migrationsDir, THREE_MIGRATIONS);
    const migrator = createMigrator({ database: 'missing', url: database.url, migrationsDir });
    expect((await migrator.deploy()).ok).toBe(true);

    fs.rmSync(path.join(migrationsDir, '20240103000000_post_body'), { recursive: true });
    fs.mkdirSync(path.join(migrationsDir, '20240104000000_draft'));

    const status = await migrator.status();
    expect(status.upToDate).toBe(false);
    expect(status.migrations.map(({ name, state }) => [name, state])).toEqual([
      ['20240101000000_users', 'applied'],
      ['20240102000000_posts', 'applied'],
      ['20240103000000_post_body', 'missingLocally'],
    ]);
    expect(status.ignored).toEqual([{ name: '20240104000000_draft', reason: 'no migration.sql' }]);
  });

  it('returns an unreachable server as an error result', async () => {
    const migrationsDir = path.join(root, 'unreachable');
    writeMigrations(migrationsDir, THREE_MIGRATIONS);
    const status = await createMigrator({
      database: 'gone',
      url: 'postgresql://user:hunter2-secret@127.0.0.1:1/nothing',
      migrationsDir,
      connectTimeoutMs: 2_000,
    }).status();
    expect(status).toMatchObject({ ok: false, upToDate: false });
    expect(status.error?.code).toBe('CONNECTION_FAILED');
    expect(status.error?.message).toContain('database "gone"');
    expect(JSON.stringify(status)).not.toContain('hunter2-secret');
  });
});
