// Scripts the statement splitters are judged on: migrations as Prisma's differ writes them for each
// provider (comment headers, quoting, `DEFAULT CHARACTER SET` on MySQL, SQLite's table
// redefinition), and the tricky cases users write by hand. `expected` is each statement as the
// server must receive it.
import type { SqlDialect } from '../split-statements.js';

export interface CorpusCase {
  readonly name: string;
  readonly dialect: SqlDialect;
  /** Where the script comes from: `prisma` (the shape Prisma's differ writes) or `tricky` (hand-written). */
  readonly kind: 'prisma' | 'tricky';
  readonly script: string;
  readonly expected: readonly string[];
}

const PG_INIT = `-- CreateEnum
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "role" "Role" NOT NULL DEFAULT 'USER',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Post" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "authorId" INTEGER NOT NULL,

    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
`;

const PG_ALTER_ENUM = `-- AlterEnum
BEGIN;
CREATE TYPE "Role_new" AS ENUM ('USER', 'EDITOR');
ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'USER';
COMMIT;
`;

const MYSQL_INIT = `-- CreateTable
CREATE TABLE \`User\` (
    \`id\` INTEGER NOT NULL AUTO_INCREMENT,
    \`email\` VARCHAR(191) NOT NULL,
    \`role\` ENUM('USER', 'ADMIN') NOT NULL DEFAULT 'USER',
    \`createdAt\` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX \`User_email_key\`(\`email\`),
    PRIMARY KEY (\`id\`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE \`Post\` (
    \`id\` INTEGER NOT NULL AUTO_INCREMENT,
    \`title\` VARCHAR(191) NOT NULL,
    \`authorId\` INTEGER NOT NULL,

    PRIMARY KEY (\`id\`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE \`Post\` ADD CONSTRAINT \`Post_authorId_fkey\` FOREIGN KEY (\`authorId\`) REFERENCES \`User\`(\`id\`) ON DELETE RESTRICT ON UPDATE CASCADE;
`;

const SQLITE_INIT = `-- CreateTable
CREATE TABLE "User" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "email" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Post" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "title" TEXT NOT NULL,
    "authorId" INTEGER NOT NULL,
    CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
`;

const SQLITE_REDEFINE = `-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Post" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL DEFAULT '',
    "authorId" INTEGER NOT NULL,
    CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Post" ("authorId", "id", "title") SELECT "authorId", "id", "title" FROM "Post";
DROP TABLE "Post";
ALTER TABLE "new_Post" RENAME TO "Post";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
`;

/** Statements of a Prisma-style script: each `-- Header` comment and blank line dropped. */
function prismaStatements(script: string): string[] {
  return script
    .split(/;\n/)
    .map((part) =>
      part
        .split('\n')
        .filter((line) => !line.startsWith('-- '))
        .join('\n')
        .trim(),
    )
    .filter((part) => part !== '');
}

export const SQL_CORPUS: readonly CorpusCase[] = [
  { name: 'Prisma init (enum, tables, index, foreign key)', dialect: 'postgresql', kind: 'prisma', script: PG_INIT, expected: prismaStatements(PG_INIT) },
  { name: 'Prisma enum change (its own BEGIN/COMMIT)', dialect: 'postgresql', kind: 'prisma', script: PG_ALTER_ENUM, expected: prismaStatements(PG_ALTER_ENUM) },
  { name: 'Prisma init', dialect: 'mysql', kind: 'prisma', script: MYSQL_INIT, expected: prismaStatements(MYSQL_INIT) },
  { name: 'Prisma init', dialect: 'sqlite', kind: 'prisma', script: SQLITE_INIT, expected: prismaStatements(SQLITE_INIT) },
  { name: 'Prisma table redefinition (PRAGMAs, copy, rename)', dialect: 'sqlite', kind: 'prisma', script: SQLITE_REDEFINE, expected: prismaStatements(SQLITE_REDEFINE) },

  {
    name: 'dollar-quoted function body with semicolons and a nested tag',
    dialect: 'postgresql',
    kind: 'tricky',
    script: `CREATE FUNCTION touch() RETURNS trigger AS $fn$\nBEGIN\n  NEW.at := now(); EXECUTE $$SELECT ';'$$;\n  RETURN NEW;\nEND;\n$fn$ LANGUAGE plpgsql;\nSELECT 1;`,
    expected: [`CREATE FUNCTION touch() RETURNS trigger AS $fn$\nBEGIN\n  NEW.at := now(); EXECUTE $$SELECT ';'$$;\n  RETURN NEW;\nEND;\n$fn$ LANGUAGE plpgsql`, 'SELECT 1'],
  },
  {
    name: "backslash escape in an E'' string",
    dialect: 'postgresql',
    kind: 'tricky',
    script: "INSERT INTO t VALUES (E'it\\'s; here');\nSELECT 2;",
    expected: ["INSERT INTO t VALUES (E'it\\'s; here')", 'SELECT 2'],
  },
  {
    name: 'nested block comment holding a semicolon',
    dialect: 'postgresql',
    kind: 'tricky',
    script: 'SELECT 1 /* outer /* inner; */ still; */;\nSELECT 2;',
    // A comment after the last token is not part of the statement sent.
    expected: ['SELECT 1', 'SELECT 2'],
  },
  {
    name: 'SQL-standard function body (BEGIN ATOMIC … END)',
    dialect: 'postgresql',
    kind: 'tricky',
    script: 'CREATE FUNCTION one() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 1; END;\nSELECT 3;',
    expected: ['CREATE FUNCTION one() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 1; END', 'SELECT 3'],
  },

  {
    name: 'DELIMITER block with a trigger',
    dialect: 'mysql',
    kind: 'tricky',
    script: 'DELIMITER $$\nCREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW\nBEGIN\n  SET NEW.note = CONCAT(NEW.note, \';\');\nEND$$\nDELIMITER ;\nSELECT 1;',
    expected: ["CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW\nBEGIN\n  SET NEW.note = CONCAT(NEW.note, ';');\nEND", 'SELECT 1'],
  },
  {
    name: 'backtick names holding semicolons and quotes',
    dialect: 'mysql',
    kind: 'tricky',
    script: "CREATE TABLE `we;ird'name` (`a;b` INT);\nSELECT 1;",
    expected: ["CREATE TABLE `we;ird'name` (`a;b` INT)", 'SELECT 1'],
  },
  {
    name: 'backslash-escaped quote in a string',
    dialect: 'mysql',
    kind: 'tricky',
    script: "INSERT INTO t VALUES ('it\\'s; here');\nSELECT 2;",
    expected: ["INSERT INTO t VALUES ('it\\'s; here')", 'SELECT 2'],
  },
  {
    name: '# comments holding semicolons',
    dialect: 'mysql',
    kind: 'tricky',
    script: 'SELECT 1; # first; note\nSELECT 2;',
    expected: ['SELECT 1', 'SELECT 2'],
  },
  {
    name: 'procedure body without DELIMITER (IF … END IF inside BEGIN … END)',
    dialect: 'mysql',
    kind: 'tricky',
    script: 'CREATE PROCEDURE p(IN x INT)\nBEGIN\n  IF x > 0 THEN\n    SELECT 1;\n  END IF;\n  SELECT 2;\nEND;\nSELECT 3;',
    expected: ['CREATE PROCEDURE p(IN x INT)\nBEGIN\n  IF x > 0 THEN\n    SELECT 1;\n  END IF;\n  SELECT 2;\nEND', 'SELECT 3'],
  },

  {
    name: 'trigger body (BEGIN … END) with a CASE expression',
    dialect: 'sqlite',
    kind: 'tricky',
    script:
      'CREATE TRIGGER post_ai AFTER INSERT ON "Post" BEGIN\n  UPDATE "Post" SET "title" = CASE WHEN NEW."title" = \'\' THEN \'untitled\' ELSE NEW."title" END WHERE "id" = NEW."id";\n  INSERT INTO "Log" VALUES (\'a;b\');\nEND;\nSELECT 1;',
    expected: [
      'CREATE TRIGGER post_ai AFTER INSERT ON "Post" BEGIN\n  UPDATE "Post" SET "title" = CASE WHEN NEW."title" = \'\' THEN \'untitled\' ELSE NEW."title" END WHERE "id" = NEW."id";\n  INSERT INTO "Log" VALUES (\'a;b\');\nEND',
      'SELECT 1',
    ],
  },
  {
    name: 'bracket and backtick names holding semicolons',
    dialect: 'sqlite',
    kind: 'tricky',
    script: 'CREATE TABLE [a;b] (`c;d` TEXT);\nSELECT 1;',
    expected: ['CREATE TABLE [a;b] (`c;d` TEXT)', 'SELECT 1'],
  },
];
