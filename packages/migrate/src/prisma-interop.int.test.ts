import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, sharedServerUrl, type TestDatabase } from '@kusto/test-servers/testing';
import { createMigrator } from './migrator.js';
import { columnNames, prismaRows, query, tableNames, THREE_MIGRATIONS, writeMigrations } from '@kusto/test-servers/migration-fixtures';
import { createPrismaProject, probePrismaEngine, type PrismaProject } from './test-support/prisma6.js';

// Prisma's real migrate engine (prisma@6.19's WASM build through @prisma/adapter-pg) is the oracle.
const engineProblem = await probePrismaEngine(sharedServerUrl());
const suite = engineProblem === undefined ? describe : describe.skip;
const title =
  engineProblem === undefined
    ? "interop with Prisma's own migrate engine (prisma 6.19 WASM)"
    : `interop with Prisma's own migrate engine (skipped: the engine cannot run here: ${engineProblem})`;

const TIMEOUT = 90_000;
const databases: TestDatabase[] = [];
const projects: PrismaProject[] = [];

async function setup(label: string): Promise<{ database: TestDatabase; project: PrismaProject }> {
  const database = await createTestDatabase(label);
  databases.push(database);
  const project = createPrismaProject(label);
  projects.push(project);
  writeMigrations(project.migrationsDir, THREE_MIGRATIONS);
  return { database, project };
}

afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
  for (const project of projects) project.remove();
});

interface ColumnInfo {
  column_name: string;
  data_type: string;
  character_maximum_length: number | null;
  is_nullable: string;
  column_default: string | null;
}

async function migrationsTableShape(url: string): Promise<unknown> {
  return {
    columns: await query<ColumnInfo>(
      url,
      `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    ),
    constraints: await query(
      url,
      `SELECT contype, pg_get_constraintdef(oid) AS definition FROM pg_constraint
        WHERE conrelid = '_prisma_migrations'::regclass ORDER BY contype`,
    ),
  };
}

suite(title, () => {
  it(
    'reads migrations applied by `prisma migrate deploy` as up to date, with the same table Prisma creates',
    async () => {
      const { database, project } = await setup('interop_prisma_first');
      const deployed = await project.run(['migrate', 'deploy'], database.url);
      expect(deployed.output).toContain('All migrations have been successfully applied');
      expect(deployed.code).toBe(0);

      const migrator = createMigrator({ database: 'interop', url: database.url, migrationsDir: project.migrationsDir });
      const status = await migrator.status();
      expect(status.error).toBeUndefined();
      expect(status.upToDate).toBe(true);
      expect(status.migrations.map((entry) => entry.state)).toEqual(['applied', 'applied', 'applied']);
      expect(await migrator.deploy()).toMatchObject({ ok: true, outcome: 'upToDate', results: [] });

      // Our DDL for _prisma_migrations yields exactly the table Prisma's engine created.
      const ours = await createTestDatabase('interop_shape');
      databases.push(ours);
      expect((await createMigrator({ database: 'shape', url: ours.url, migrationsDir: project.migrationsDir }).deploy()).ok).toBe(true);
      expect(await migrationsTableShape(ours.url)).toEqual(await migrationsTableShape(database.url));

      // And the rows agree, column for column, except ids and times.
      const strip = (rows: Awaited<ReturnType<typeof prismaRows>>) =>
        rows.map(({ checksum, migration_name, logs, rolled_back_at, applied_steps_count, finished_at }) => ({
          checksum,
          migration_name,
          logs,
          rolled_back_at,
          applied_steps_count,
          finished: finished_at !== null,
        }));
      expect(strip(await prismaRows(ours.url))).toEqual(strip(await prismaRows(database.url)));
    },
    TIMEOUT,
  );

  it(
    'applies migrations that `prisma migrate status` then reports as up to date',
    async () => {
      const { database, project } = await setup('interop_ours_first');
      const result = await createMigrator({ database: 'interop', url: database.url, migrationsDir: project.migrationsDir }).deploy();
      expect(result.error).toBeUndefined();

      const status = await project.run(['migrate', 'status'], database.url);
      expect(status.output).toContain('3 migrations found');
      expect(status.output).toContain('Database schema is up to date!');
      expect(status.code).toBe(0);

      const deploy = await project.run(['migrate', 'deploy'], database.url);
      expect(deploy.code).toBe(0);
      expect(deploy.output).toContain('No pending migrations to apply.');
    },
    TIMEOUT,
  );

  it(
    'after our rollback, `prisma migrate status` reports the migrations not applied and `prisma migrate deploy` re-applies them',
    async () => {
      const { database, project } = await setup('interop_rollback');
      const migrator = createMigrator({ database: 'interop', url: database.url, migrationsDir: project.migrationsDir });
      expect((await migrator.deploy()).ok).toBe(true);
      expect((await migrator.rollback({ steps: 2 })).ok).toBe(true);

      const status = await project.run(['migrate', 'status'], database.url);
      expect(status.code).toBe(1);
      expect(status.output).toMatch(/have not yet been applied:\s+20240102000000_posts\s+20240103000000_post_body/);

      const deploy = await project.run(['migrate', 'deploy'], database.url);
      expect(deploy.code).toBe(0);
      expect(deploy.output).toContain('20240102000000_posts');
      expect(deploy.output).toContain('20240103000000_post_body');
      expect(await columnNames(database.url, 'Post')).toEqual(['id', 'title', 'body']);
      expect((await prismaRows(database.url)).map((row) => row.migration_name)).toEqual(Object.keys(THREE_MIGRATIONS));

      expect((await migrator.status()).upToDate).toBe(true);
      expect((await project.run(['migrate', 'status'], database.url)).code).toBe(0);
    },
    TIMEOUT,
  );

  it(
    'reads a migration Prisma recorded as failed as failed, and refuses to deploy over it as Prisma does',
    async () => {
      const { database, project } = await setup('interop_failed');
      writeMigrations(project.migrationsDir, { '20240104000000_broken': { up: 'CREATE TABLEX "Nope" (id int);\n' } });
      const deployed = await project.run(['migrate', 'deploy'], database.url);
      expect(deployed.output).toContain('TABLEX');

      const migrator = createMigrator({ database: 'interop', url: database.url, migrationsDir: project.migrationsDir });
      const status = await migrator.status();
      expect(status.migrations.find((entry) => entry.name === '20240104000000_broken')).toMatchObject({ state: 'failed' });
      expect(status.migrations.find((entry) => entry.name === '20240104000000_broken')?.logs).toContain('TABLEX');
      const deploy = await migrator.deploy();
      expect(deploy.error?.code).toBe('FAILED_MIGRATIONS_PRESENT');

      // A failure we record reads as failed to Prisma too: both refuse the same way.
      fs.writeFileSync(path.join(project.migrationsDir, '20240104000000_broken', 'migration.sql'), 'CREATE TABLE "Fixed" (id int);\n');
      expect((await migrator.markRolledBack('20240104000000_broken')).updated).toBe(1);
      writeMigrations(project.migrationsDir, { '20240105000000_also_broken': { up: 'SELECT 1;\nSELEC 2;\n' } });
      const ours = await migrator.deploy();
      expect(ours.results.map(({ name, status }) => [name, status])).toEqual([
        ['20240104000000_broken', 'succeeded'],
        ['20240105000000_also_broken', 'failed'],
      ]);
      const prismaStatus = await project.run(['migrate', 'status'], database.url);
      expect(prismaStatus.code).toBe(1);
      expect(prismaStatus.output).toContain('20240105000000_also_broken');
      expect(prismaStatus.output).toMatch(/failed/i);
      expect(await tableNames(database.url)).toContain('Fixed');
    },
    TIMEOUT,
  );
});
