// One harness per provider for the shared runner suite: a real server (the shared Postgres, a
// MariaDB of the test file's own, SQLite files), the same three migrations written in each
// dialect, and direct queries to check what the runner left behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  createTestDatabase,
  createTestMariaDbDatabase,
  mariadbAvailability,
  startTestMariaDb,
} from '@kusto/test-servers/testing';
import type { MariaDbServer } from '@kusto/test-servers';
import { THREE_MIGRATIONS, query as pgQuery, type MigrationSpec } from '@kusto/test-servers/migration-fixtures';
import BetterSqlite3 from 'better-sqlite3';
import mariadb from 'mariadb';

export type Provider = 'postgresql' | 'mysql' | 'sqlite';

/** A database of one provider for one test. */
export interface HarnessDatabase {
  readonly url: string;
  /** Runs SQL directly (placeholders `$1` on Postgres, `?` elsewhere) and returns the rows. */
  query<R = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<R[]>;
  /** User tables, sorted (`_prisma_migrations` and our history table included). */
  tables(): Promise<string[]>;
  /** `_prisma_migrations` rows ordered by started_at, with the columns as stored. */
  prismaRows(): Promise<Array<{ id: string; migration_name: string; checksum: string; finished_at: unknown; rolled_back_at: unknown; logs: string | null; applied_steps_count: number }>>;
  drop(): Promise<void>;
}

export interface DialectHarness {
  readonly provider: Provider;
  /** Why this provider cannot be tested here, or `undefined`. */
  readonly skip: string | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
  create(label: string): Promise<HarnessDatabase>;
  /** Users, posts, a column on posts: each with a down.sql. */
  readonly migrations: Readonly<Record<string, MigrationSpec>>;
  /** Two statements that work, then one the server refuses. */
  readonly failing: MigrationSpec;
  /** A statement that keeps the server busy for about `seconds`. */
  sleep(seconds: number): string;
}

const postgres: DialectHarness = {
  provider: 'postgresql',
  skip: undefined,
  start: () => Promise.resolve(),
  stop: () => Promise.resolve(),
  async create(label) {
    const database = await createTestDatabase(label);
    const query = <R>(sql: string, values?: unknown[]) => pgQuery(database.url, sql, values) as Promise<R[]>;
    return {
      url: database.url,
      query,
      tables: async () =>
        (await query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).map((row) => row.name),
      prismaRows: () => query('SELECT * FROM _prisma_migrations ORDER BY started_at, migration_name'),
      drop: () => database.drop(),
    };
  },
  migrations: THREE_MIGRATIONS,
  failing: { up: 'CREATE TABLE "Fail_a" (id int);\nCREATE TABLE "Fail_b" (id int);\nINSERT INTO "Missing" VALUES (1);\n' },
  sleep: (seconds) => `SELECT pg_sleep(${seconds})`,
};

const MYSQL_MIGRATIONS: Readonly<Record<string, MigrationSpec>> = {
  '20240101000000_users': {
    up: '-- CreateTable\nCREATE TABLE `User` (\n    `id` INTEGER NOT NULL AUTO_INCREMENT,\n    `email` VARCHAR(191) NOT NULL,\n\n    PRIMARY KEY (`id`)\n) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n',
    down: 'DROP TABLE `User`;\n',
  },
  '20240102000000_posts': {
    up: "CREATE TABLE `Post` (\n    `id` INTEGER NOT NULL AUTO_INCREMENT,\n    `title` VARCHAR(191) NOT NULL DEFAULT 'untitled',\n\n    PRIMARY KEY (`id`)\n) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\nCREATE INDEX `Post_title_idx` ON `Post`(`title`);\n",
    down: 'DROP INDEX `Post_title_idx` ON `Post`;\nDROP TABLE `Post`;\n',
  },
  '20240103000000_post_body': {
    up: 'ALTER TABLE `Post` ADD COLUMN `body` TEXT NULL;\n',
    down: 'ALTER TABLE `Post` DROP COLUMN `body`;\n',
  },
};

let mariadbServer: MariaDbServer | undefined;
const mariadbAvailable = await mariadbAvailability();

async function mysqlQuery<R>(url: string, sql: string, values?: unknown[]): Promise<R[]> {
  const parsed = new URL(url);
  const connection = await mariadb.createConnection({
    host: parsed.hostname,
    port: Number(parsed.port),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.slice(1)),
    timezone: 'Z',
    bigIntAsNumber: true,
  });
  try {
    const result: unknown = await connection.query(sql, values);
    return (Array.isArray(result) ? result : [result]) as R[];
  } finally {
    await connection.end();
  }
}

const mysql: DialectHarness = {
  provider: 'mysql',
  skip: mariadbAvailable.available ? undefined : mariadbAvailable.reason,
  async start() {
    mariadbServer = await startTestMariaDb();
  },
  async stop() {
    await mariadbServer?.close();
    mariadbServer = undefined;
  },
  async create(label) {
    const database = await createTestMariaDbDatabase(mariadbServer!, label);
    const query = <R>(sql: string, values?: unknown[]) => mysqlQuery<R>(database.url, sql, values);
    return {
      url: database.url,
      query,
      tables: async () =>
        (await query<{ name: string }>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1')).map(
          (row) => row.name,
        ),
      prismaRows: () => query('SELECT * FROM _prisma_migrations ORDER BY started_at, migration_name'),
      drop: () => database.drop(),
    };
  },
  migrations: MYSQL_MIGRATIONS,
  failing: { up: 'CREATE TABLE `Fail_a` (id INT);\nCREATE TABLE `Fail_b` (id INT);\nINSERT INTO `Missing` VALUES (1);\n' },
  sleep: (seconds) => `SELECT SLEEP(${seconds})`,
};

const SQLITE_MIGRATIONS: Readonly<Record<string, MigrationSpec>> = {
  '20240101000000_users': {
    up: '-- CreateTable\nCREATE TABLE "User" (\n    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n    "email" TEXT NOT NULL\n);\n',
    down: 'DROP TABLE "User";\n',
  },
  '20240102000000_posts': {
    up: 'CREATE TABLE "Post" (\n    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n    "title" TEXT NOT NULL DEFAULT \'untitled\'\n);\nCREATE INDEX "Post_title_idx" ON "Post"("title");\n',
    down: 'DROP INDEX "Post_title_idx";\nDROP TABLE "Post";\n',
  },
  '20240103000000_post_body': {
    up: 'ALTER TABLE "Post" ADD COLUMN "body" TEXT;\n',
    down: 'ALTER TABLE "Post" DROP COLUMN "body";\n',
  },
};

let sqliteRoot: string | undefined;

const sqlite: DialectHarness = {
  provider: 'sqlite',
  skip: undefined,
  start() {
    sqliteRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'kusto-migrate-sqlite-'));
    return Promise.resolve();
  },
  stop() {
    if (sqliteRoot) fs.rmSync(sqliteRoot, { recursive: true, force: true });
    return Promise.resolve();
  },
  create(label) {
    const file = path.join(sqliteRoot!, `${label}_${randomBytes(4).toString('hex')}.db`);
    const query = <R>(sql: string, values: unknown[] = []): Promise<R[]> => {
      const db = new BetterSqlite3(file);
      try {
        const statement = db.prepare(sql);
        return Promise.resolve((statement.reader ? statement.all(...values) : [statement.run(...values)]) as R[]);
      } finally {
        db.close();
      }
    };
    return Promise.resolve({
      url: `file:${file}`,
      query,
      tables: async () =>
        (await query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'sqlite_sequence' ORDER BY 1")).map((row) => row.name),
      prismaRows: () => query('SELECT * FROM _prisma_migrations ORDER BY started_at, migration_name'),
      drop: () => {
        fs.rmSync(file, { force: true });
        return Promise.resolve();
      },
    });
  },
  migrations: SQLITE_MIGRATIONS,
  failing: { up: 'CREATE TABLE "Fail_a" (id INTEGER);\nCREATE TABLE "Fail_b" (id INTEGER);\nINSERT INTO "Missing" VALUES (1);\n' },
  // A recursive CTE that counts for a while (SQLite has no sleep()).
  sleep: (seconds) => `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${seconds * 3_000_000}) SELECT count(*) FROM n`,
};

/** Every provider's harness, in the order the suite runs them. */
export const DIALECT_HARNESSES: readonly DialectHarness[] = [postgres, mysql, sqlite];

/** The suite's title for a harness, saying why it is skipped when it is. */
export function harnessTitle(harness: DialectHarness): string {
  return harness.skip === undefined ? harness.provider : `${harness.provider} (skipped: ${harness.skip})`;
}
