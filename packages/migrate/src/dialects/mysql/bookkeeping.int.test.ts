import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, writeMigrations } from '@kusto/test-servers/migration-fixtures';
import { createTestMariaDbDatabase, mariadbAvailability, startTestMariaDb } from '@kusto/test-servers/testing';
import type { MariaDbServer } from '@kusto/test-servers';
import { createMigrator } from '../../migrator.js';
import { PRISMA_MYSQL_LOCK_NAME } from './connection.js';

// Prisma 6.19's WASM engine panics on MySQL here (ENVIRONMENT.md), so the MySQL bookkeeping is
// checked against the facts in prisma-engines' source instead: the `_prisma_migrations` DDL of
// `schema-engine/connectors/sql-schema-connector/src/flavour/mysql.rs` (`create_migrations_table`)
// column by column as the server describes it, and the named lock of `acquire_lock` there.

const availability = await mariadbAvailability();
const suite = availability.available ? describe : describe.skip;

/** Prisma's DDL, as MariaDB's information_schema describes each column. */
const PRISMA_COLUMNS = [
  { name: 'id', type: 'varchar(36)', nullable: 'NO', key: 'PRI' },
  { name: 'checksum', type: 'varchar(64)', nullable: 'NO', key: '' },
  { name: 'finished_at', type: 'datetime(3)', nullable: 'YES', key: '' },
  { name: 'migration_name', type: 'varchar(255)', nullable: 'NO', key: '' },
  { name: 'logs', type: 'text', nullable: 'YES', key: '' },
  { name: 'rolled_back_at', type: 'datetime(3)', nullable: 'YES', key: '' },
  { name: 'started_at', type: 'datetime(3)', nullable: 'NO', key: '' },
  { name: 'applied_steps_count', type: 'int(10) unsigned', nullable: 'NO', key: '' },
];

suite(`MySQL bookkeeping as prisma-engines keeps it${availability.available ? '' : ` (skipped: ${availability.reason})`}`, () => {
  let server: MariaDbServer;
  let root: string;
  beforeAll(async () => {
    server = await startTestMariaDb();
    root = makeTempDir('mysql-bookkeeping');
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('_prisma_migrations has Prisma’s columns, types, defaults, key and collation', async () => {
    const database = await createTestMariaDbDatabase(server, 'shape');
    const migrationsDir = path.join(root, 'shape');
    writeMigrations(migrationsDir, { '20240101000000_one': { up: 'CREATE TABLE one (id INT);\n' } }, 'mysql');
    expect((await createMigrator({ database: 'shape', url: database.url, migrationsDir, provider: 'mysql' }).deploy()).error).toBeUndefined();

    const columns = await server.query<Array<{ name: string; type: string; nullable: string; key: string; dflt: string | null }>>(
      `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_KEY AS \`key\`, COLUMN_DEFAULT AS dflt
         FROM information_schema.columns WHERE table_schema = ? AND table_name = '_prisma_migrations' ORDER BY ORDINAL_POSITION`,
      [database.name],
    );
    expect(columns.map(({ name, type, nullable, key }) => ({ name, type, nullable, key }))).toEqual(PRISMA_COLUMNS);
    const defaults = Object.fromEntries(columns.map((column) => [column.name, column.dflt]));
    expect(defaults['started_at']).toMatch(/^current_timestamp\(3\)$/i);
    expect(defaults['applied_steps_count']).toBe('0');
    const [table] = await server.query<Array<{ collation: string }>>(
      "SELECT TABLE_COLLATION AS collation FROM information_schema.tables WHERE table_schema = ? AND table_name = '_prisma_migrations'",
      [database.name],
    );
    expect(table?.collation).toBe('utf8mb4_unicode_ci');

    // Times are UTC, as Prisma writes them (chrono::Utc::now()).
    const [row] = await server.query<Array<{ started: string }>>(
      `SELECT DATE_FORMAT(started_at, '%Y-%m-%dT%H:%i:%s') AS started FROM \`${database.name}\`._prisma_migrations`,
    );
    const started = new Date(`${row!.started}Z`).getTime();
    expect(Math.abs(started - Date.now())).toBeLessThan(60_000);
    await database.drop();
  });

  test('deploy holds the named lock Prisma takes, GET_LOCK("prisma_migrate"), while it runs', async () => {
    const database = await createTestMariaDbDatabase(server, 'lockname');
    const migrationsDir = path.join(root, 'lockname');
    writeMigrations(migrationsDir, { '20240101000000_slow': { up: 'DO SLEEP(2);\n' } }, 'mysql');
    const deploying = createMigrator({ database: 'lockname', url: database.url, migrationsDir, provider: 'mysql' }).deploy();
    let holder: number | null = null;
    for (let attempt = 0; attempt < 40 && holder === null; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const [row] = await server.query<Array<{ holder: number | null }>>('SELECT IS_USED_LOCK(?) AS holder', [PRISMA_MYSQL_LOCK_NAME]);
      holder = row?.holder ?? null;
    }
    expect(holder).not.toBeNull();
    expect((await deploying).error).toBeUndefined();
    const [after] = await server.query<Array<{ free: number }>>('SELECT IS_FREE_LOCK(?) AS free', [PRISMA_MYSQL_LOCK_NAME]);
    expect(Number(after?.free)).toBe(1);
    await database.drop();
  });

  test('a migration with a DELIMITER block (a trigger) and backtick names deploys statement by statement', async () => {
    const database = await createTestMariaDbDatabase(server, 'delimiter');
    const migrationsDir = path.join(root, 'delimiter');
    const up = [
      'CREATE TABLE `note;s` (`id` INT PRIMARY KEY, `body` VARCHAR(50) NOT NULL);',
      'DELIMITER $$',
      'CREATE TRIGGER `notes_bi` BEFORE INSERT ON `note;s` FOR EACH ROW',
      'BEGIN',
      "  IF NEW.`body` = '' THEN SET NEW.`body` = 'empty;'; END IF;",
      'END$$',
      'DELIMITER ;',
      "INSERT INTO `note;s` VALUES (1, ''); # a comment; with a semicolon",
      '',
    ].join('\n');
    writeMigrations(migrationsDir, { '20240101000000_trigger': { up } }, 'mysql');
    const result = await createMigrator({ database: 'delimiter', url: database.url, migrationsDir, provider: 'mysql' }).deploy();
    expect(result.error).toBeUndefined();
    expect(result.results[0]).toMatchObject({ statementCount: 3, statementsRun: 3, transactional: false });
    const rows = await server.query<Array<{ body: string }>>(`SELECT body FROM \`${database.name}\`.\`note;s\``);
    expect(rows.map((row) => row.body)).toEqual(['empty;']);
    await database.drop();
  });
});
