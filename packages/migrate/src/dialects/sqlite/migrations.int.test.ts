import { afterAll, expect, test } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, writeMigrations } from '@kusto/test-servers/migration-fixtures';
import BetterSqlite3 from 'better-sqlite3';
import { createMigrator } from '../../migrator.js';

// SQLite specifics on real files: Prisma's table redefinition keeps the child rows a DROP TABLE
// would otherwise cascade away (foreign keys off around the transaction), a trigger body with
// CASE … END deploys, and a foreign key left broken fails the migration before COMMIT.

const root = makeTempDir('sqlite-migrations');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const INIT = `CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "email" TEXT NOT NULL);
CREATE TABLE "Post" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "authorId" INTEGER NOT NULL,
    CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE);
INSERT INTO "User" ("email") VALUES ('a@example.com');
INSERT INTO "Post" ("authorId") VALUES (1), (1);
`;

// As Prisma's differ writes a column added to a parent table that others reference.
const REDEFINE_USER = `-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "email" TEXT NOT NULL, "name" TEXT NOT NULL DEFAULT '');
INSERT INTO "new_User" ("email", "id") SELECT "email", "id" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
`;

const TRIGGER = `CREATE TRIGGER "user_name" AFTER INSERT ON "User" BEGIN
  UPDATE "User" SET "name" = CASE WHEN NEW."name" = '' THEN 'anon;' ELSE NEW."name" END WHERE "id" = NEW."id";
END;
INSERT INTO "User" ("email") VALUES ('b@example.com');
`;

function rows<R>(file: string, sql: string): R[] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return db.prepare(sql).all() as R[];
  } finally {
    db.close();
  }
}

test('a Prisma table redefinition of a parent table keeps the child rows (ON DELETE CASCADE does not fire); a trigger body deploys', async () => {
  const dir = path.join(root, 'redefine');
  const file = path.join(dir, 'dev.db');
  writeMigrations(path.join(dir, 'migrations'), { '20240101000000_init': { up: INIT }, '20240102000000_user_name': { up: REDEFINE_USER }, '20240103000000_trigger': { up: TRIGGER } }, 'sqlite');
  const result = await createMigrator({ database: 'redefine', url: 'file:./dev.db', migrationsDir: path.join(dir, 'migrations'), provider: 'sqlite' }).deploy();
  expect(result.error).toBeUndefined();
  expect(result.results.map((run) => run.transactional)).toEqual([true, true, true]);
  expect(rows<{ n: number }>(file, 'SELECT count(*) AS n FROM "Post"')).toEqual([{ n: 2 }]);
  expect(rows<{ name: string }>(file, 'SELECT "name" FROM "User" ORDER BY "id"')).toEqual([{ name: '' }, { name: 'anon;' }]);
  // foreign_keys is back on for the connection's later work: the FK check found nothing broken.
  expect(rows(file, 'PRAGMA foreign_key_check')).toEqual([]);
});

test('a redefinition that leaves a foreign key broken fails before COMMIT and changes nothing', async () => {
  const dir = path.join(root, 'broken');
  const file = path.join(dir, 'dev.db');
  const BREAK = `PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "email" TEXT NOT NULL);
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
PRAGMA foreign_keys=ON;
`;
  writeMigrations(path.join(dir, 'migrations'), { '20240101000000_init': { up: INIT }, '20240102000000_break': { up: BREAK } }, 'sqlite');
  const result = await createMigrator({ database: 'broken', url: `file:${file}`, migrationsDir: path.join(dir, 'migrations'), provider: 'sqlite' }).deploy();
  expect(result.error?.code).toBe('MIGRATION_FAILED');
  expect(result.error?.message).toContain('foreign key check failed before COMMIT');
  expect(rows<{ n: number }>(file, 'SELECT count(*) AS n FROM "User"')).toEqual([{ n: 1 }]);
});
