import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { makeTempDir, writeMigrations, type MigrationSpec } from '@kusto/test-servers/migration-fixtures';
import BetterSqlite3 from 'better-sqlite3';
import { createMigrator } from './migrator.js';
import { createPrismaProject, probePrismaEngine, type PrismaProject } from './test-support/prisma6.js';

// SQLite both ways with Prisma's own migrate engine (prisma@6.19's WASM build through
// @prisma/adapter-better-sqlite3), as the Postgres interop test does.

const root = makeTempDir('interop-sqlite');
const engineProblem = await probePrismaEngine(`file:${path.join(root, 'probe.db')}`, 'sqlite');
const suite = engineProblem === undefined ? describe : describe.skip;
const title =
  engineProblem === undefined
    ? "SQLite interop with Prisma's own migrate engine (prisma 6.19 WASM)"
    : `SQLite interop with Prisma's own migrate engine (skipped: the engine cannot run here: ${engineProblem})`;

const TIMEOUT = 90_000;
const projects: PrismaProject[] = [];

const MIGRATIONS: Readonly<Record<string, MigrationSpec>> = {
  '20240101000000_users': { up: '-- CreateTable\nCREATE TABLE "User" (\n    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n    "email" TEXT NOT NULL\n);\n' },
  '20240102000000_posts': {
    up: 'CREATE TABLE "Post" (\n    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n    "title" TEXT NOT NULL DEFAULT \'untitled\'\n);\n',
    down: 'DROP TABLE "Post";\n',
  },
};

function setup(label: string): { project: PrismaProject; url: string; file: string } {
  const project = createPrismaProject(label, 'sqlite');
  projects.push(project);
  writeMigrations(project.migrationsDir, MIGRATIONS, 'sqlite');
  const file = path.join(root, `${label}.db`);
  return { project, url: `file:${file}`, file };
}

function read<R>(file: string, sql: string): R[] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return db.prepare(sql).all() as R[];
  } finally {
    db.close();
  }
}

afterAll(() => {
  for (const project of projects) project.remove();
  fs.rmSync(root, { recursive: true, force: true });
});

suite(title, () => {
  it(
    'reads what `prisma migrate deploy` recorded as up to date, with the same table and the same kind of times',
    async () => {
      const prisma = setup('prisma_first');
      const deployed = await prisma.project.run(['migrate', 'deploy'], prisma.url);
      expect(deployed.output).toContain('All migrations have been successfully applied');
      expect(deployed.code).toBe(0);

      const migrator = createMigrator({ database: 'interop', url: prisma.url, migrationsDir: prisma.project.migrationsDir, provider: 'sqlite' });
      const status = await migrator.status();
      expect(status.error).toBeUndefined();
      expect(status.migrations.map((entry) => entry.state)).toEqual(['applied', 'applied']);
      for (const entry of status.migrations) expect(Number.isNaN(entry.finishedAt!.getTime())).toBe(false);
      expect(await migrator.deploy()).toMatchObject({ ok: true, outcome: 'upToDate' });

      // Our table is Prisma's, column for column, and our rows hold times the way Prisma's do.
      const ours = setup('shape');
      expect((await createMigrator({ database: 'shape', url: ours.url, migrationsDir: ours.project.migrationsDir, provider: 'sqlite' }).deploy()).ok).toBe(true);
      const shape = (file: string) => read(file, "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('_prisma_migrations')");
      expect(shape(ours.file)).toEqual(shape(prisma.file));
      const rows = (file: string) =>
        read<{ migration_name: string; checksum: string; logs: string | null; applied_steps_count: number; finished_at: string; started_at: string }>(
          file,
          'SELECT * FROM _prisma_migrations ORDER BY migration_name',
        );
      const timeShape = (value: string) => value.replace(/\d/g, '0');
      expect(rows(ours.file).map((row) => [row.migration_name, row.checksum, row.logs, row.applied_steps_count, timeShape(row.finished_at), timeShape(row.started_at)])).toEqual(
        rows(prisma.file).map((row) => [row.migration_name, row.checksum, row.logs, row.applied_steps_count, timeShape(row.finished_at), timeShape(row.started_at)]),
      );
    },
    TIMEOUT,
  );

  it(
    'applies migrations that `prisma migrate status` then reports up to date; after our rollback Prisma re-applies',
    async () => {
      const { project, url } = setup('ours_first');
      const migrator = createMigrator({ database: 'interop', url, migrationsDir: project.migrationsDir, provider: 'sqlite' });
      expect((await migrator.deploy()).error).toBeUndefined();

      const status = await project.run(['migrate', 'status'], url);
      expect(status.output).toContain('Database schema is up to date!');
      expect(status.code).toBe(0);
      expect((await project.run(['migrate', 'deploy'], url)).output).toContain('No pending migrations to apply.');

      expect((await migrator.rollback({ steps: 1 })).ok).toBe(true);
      const after = await project.run(['migrate', 'status'], url);
      expect(after.code).toBe(1);
      expect(after.output).toMatch(/have not yet been applied:\s+20240102000000_posts/);
      const redeploy = await project.run(['migrate', 'deploy'], url);
      expect(redeploy.code).toBe(0);
      expect(redeploy.output).toContain('20240102000000_posts');
      expect((await migrator.status()).upToDate).toBe(true);
    },
    TIMEOUT,
  );

  it(
    'a failure Prisma recorded reads as failed here, and ours reads as failed to Prisma; resolve --rolled-back is honoured by both',
    async () => {
      const { project, url } = setup('failed');
      writeMigrations(project.migrationsDir, { '20240103000000_broken': { up: 'CREATE TABLEX "Nope" (id int);\n' } }, 'sqlite');
      expect((await project.run(['migrate', 'deploy'], url)).output).toContain('TABLEX');
      const migrator = createMigrator({ database: 'interop', url, migrationsDir: project.migrationsDir, provider: 'sqlite' });
      const status = await migrator.status();
      expect(status.migrations.find((entry) => entry.name === '20240103000000_broken')).toMatchObject({ state: 'failed' });
      expect((await migrator.deploy()).error?.code).toBe('FAILED_MIGRATIONS_PRESENT');

      fs.writeFileSync(path.join(project.migrationsDir, '20240103000000_broken', 'migration.sql'), 'CREATE TABLE "Fixed" (id INTEGER);\n');
      expect(await migrator.resolve({ rolledBack: '20240103000000_broken' })).toMatchObject({ ok: true, updated: 1 });
      writeMigrations(project.migrationsDir, { '20240104000000_also_broken': { up: 'SELECT 1;\nSELEC 2;\n' } }, 'sqlite');
      const ours = await migrator.deploy();
      expect(ours.results.map(({ name, status: state }) => [name, state])).toEqual([
        ['20240103000000_broken', 'succeeded'],
        ['20240104000000_also_broken', 'failed'],
      ]);
      const prismaStatus = await project.run(['migrate', 'status'], url);
      expect(prismaStatus.code).toBe(1);
      expect(prismaStatus.output).toContain('20240104000000_also_broken');
      expect(prismaStatus.output).toMatch(/failed/i);
    },
    TIMEOUT,
  );
});
