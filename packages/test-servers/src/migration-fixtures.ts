// Test helpers for the migration runner (@kusto/migrate) and the kusto-db commands over it:
// migration folders on disk and direct queries on the shared Postgres.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from './testing.js';
import pg from 'pg';
/** The logger shape of `@kusto/migrate` (`MigrationLogger`), structurally. */
export interface RecordingLogger {
  readonly lines: string[];
  info(message: string): void;
  warn(message: string): void;
}

/** One migration folder to write: `migration.sql`, and `down.sql` when given. */
export interface MigrationSpec {
  readonly up: string;
  readonly down?: string;
}

/** Creates an empty folder under the OS temp dir (or under `base`) and returns its path. */
export function makeTempDir(label: string, base: string = os.tmpdir()): string {
  fs.mkdirSync(base, { recursive: true });
  return fs.mkdtempSync(path.join(base, `${label}-`));
}

/**
 * For a test file: returns `fresh(label)`, a new database on the shared server per call, and
 * drops every one of them after the file's tests.
 */
export function freshDatabases(): (label: string) => Promise<TestDatabase> {
  const created: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(created.map((database) => database.drop()));
  });
  return async (label) => {
    const database = await createTestDatabase(label);
    created.push(database);
    return database;
  };
}

/** Writes migration folders (and Prisma's `migration_lock.toml`) into `migrationsDir`. */
export function writeMigrations(
  migrationsDir: string,
  migrations: Readonly<Record<string, MigrationSpec>>,
  provider: 'postgresql' | 'mysql' | 'sqlite' = 'postgresql',
): void {
  fs.mkdirSync(migrationsDir, { recursive: true });
  fs.writeFileSync(path.join(migrationsDir, 'migration_lock.toml'), `provider = "${provider}"\n`);
  for (const [name, spec] of Object.entries(migrations)) {
    const dir = path.join(migrationsDir, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'migration.sql'), spec.up);
    if (spec.down !== undefined) fs.writeFileSync(path.join(dir, 'down.sql'), spec.down);
  }
}

/**
 * Three migrations with down.sql each: users, posts, a column on posts. No `;` inside strings:
 * the Prisma 6 oracle runs scripts through `@prisma/adapter-pg`'s `executeScript`, which splits
 * on every `;` (seen in its 7.10 build); our own splitter is tested on such scripts separately.
 */
export const THREE_MIGRATIONS: Readonly<Record<string, MigrationSpec>> = {
  '20240101000000_users': {
    up: '-- CreateTable\nCREATE TABLE "User" (\n    "id" SERIAL NOT NULL,\n    "email" TEXT NOT NULL,\n    CONSTRAINT "User_pkey" PRIMARY KEY ("id")\n);\n',
    down: 'DROP TABLE "User";\n',
  },
  '20240102000000_posts': {
    up: 'CREATE TABLE "Post" (\n    "id" SERIAL NOT NULL,\n    "title" TEXT NOT NULL DEFAULT \'untitled\',\n    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")\n);\nCREATE INDEX "Post_title_idx" ON "Post"("title");\n',
    down: 'DROP INDEX "Post_title_idx";\nDROP TABLE "Post";\n',
  },
  '20240103000000_post_body': {
    up: 'ALTER TABLE "Post" ADD COLUMN "body" TEXT;\n',
    down: 'ALTER TABLE "Post" DROP COLUMN "body";\n',
  },
};

/** Runs one query on a fresh connection. */
export async function query<R extends pg.QueryResultRow = Record<string, unknown>>(url: string, sql: string, values?: unknown[]): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** Names of the tables in `public`, sorted. */
export async function tableNames(url: string): Promise<string[]> {
  const rows = await query<{ name: string }>(url, "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
  return rows.map((row) => row.name);
}

/** Columns of a table in `public`, in order. */
export async function columnNames(url: string, table: string): Promise<string[]> {
  const rows = await query<{ name: string }>(
    url,
    "SELECT column_name AS name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
    [table],
  );
  return rows.map((row) => row.name);
}

/** Every `_prisma_migrations` row, by started_at. */
export async function prismaRows(url: string): Promise<
  Array<{ id: string; checksum: string; migration_name: string; finished_at: Date | null; started_at: Date; logs: string | null; rolled_back_at: Date | null; applied_steps_count: number }>
> {
  return query(url, 'SELECT * FROM _prisma_migrations ORDER BY started_at, migration_name');
}

/** A logger that records every line, for assertions. */
export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  return { lines, info: (message) => lines.push(`info ${message}`), warn: (message) => lines.push(`warn ${message}`) };
}
