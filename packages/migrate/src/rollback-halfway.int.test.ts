import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, writeMigrations } from '@kusto/test-servers/migration-fixtures';
import { createMigrator } from './migrator.js';
import { DIALECT_HARNESSES, harnessTitle, type DialectHarness, type HarnessDatabase } from './test-support/dialects.js';

// A down.sql that fails after some of its statements took effect. Outside a transaction (MySQL
// always; Postgres with DROP INDEX CONCURRENTLY; SQLite with VACUUM) those statements stay: the
// rollback is half done, and must be recorded as a failed deploy is: status shows it and is not
// up to date, deploy waits, and a rerun resumes after what took effect. Inside a transaction
// (Postgres and SQLite by default) nothing of a failed down.sql remains: nothing to record.

const NAME = '20240101000000_pair';

/** The migration, and a down.sql run outside a transaction whose second-to-last step fails. */
function halfway(provider: DialectHarness['provider']): { up: string; down: string; done: string[]; fixed: string; edited: string } {
  if (provider === 'postgresql') {
    return {
      up: 'CREATE TABLE t6a (id INT);\nCREATE TABLE t6b (id INT);\nCREATE INDEX t6b_idx ON t6b (id);\n',
      down: 'DROP INDEX CONCURRENTLY t6b_idx;\nDROP TABLE does_not_exist;\nDROP TABLE t6b;\nDROP TABLE t6a;\n',
      done: ['DROP INDEX CONCURRENTLY t6b_idx'],
      fixed: 'DROP INDEX CONCURRENTLY t6b_idx;\nDROP TABLE t6b;\nDROP TABLE t6a;\n',
      edited: 'DROP TABLE t6b;\nDROP TABLE t6a;\n',
    };
  }
  if (provider === 'sqlite') {
    return {
      up: 'CREATE TABLE t6a (id INTEGER);\nCREATE TABLE t6b (id INTEGER);\n',
      down: 'DROP TABLE t6b;\nVACUUM;\nDROP TABLE does_not_exist;\nDROP TABLE t6a;\n',
      done: ['DROP TABLE t6b', 'VACUUM'],
      fixed: 'DROP TABLE t6b;\nVACUUM;\nDROP TABLE t6a;\n',
      edited: 'DROP TABLE t6a;\n',
    };
  }
  return {
    up: 'CREATE TABLE t6a (id INT);\nCREATE TABLE t6b (id INT);\n',
    down: 'DROP TABLE t6b;\nDROP TABLE does_not_exist;\nDROP TABLE t6a;\n',
    done: ['DROP TABLE t6b'],
    fixed: 'DROP TABLE t6b;\nDROP TABLE t6a;\n',
    edited: 'DROP TABLE t6a;\n',
  };
}

describe.each(DIALECT_HARNESSES.map((harness) => [harnessTitle(harness), harness] as const))('a rollback that fails halfway on %s', (_title, harness) => {
  const suite = harness.skip === undefined ? describe : describe.skip;
  suite('against a real server', () => {
    const created: HarnessDatabase[] = [];
    let root: string;
    beforeAll(async () => {
      await harness.start();
      root = makeTempDir(`rollback-halfway-${harness.provider}`);
    }, 60_000);
    afterAll(async () => {
      await Promise.all(created.map((database) => database.drop()));
      await harness.stop();
      fs.rmSync(root, { recursive: true, force: true });
    });

    const userTables = async (database: HarnessDatabase) => (await database.tables()).filter((table) => table.startsWith('t6'));

    test('is recorded: status shows it, deploy waits, a rerun resumes after what took effect, and a fixed down.sql finishes it', async () => {
      const database = await harness.create('halfway');
      created.push(database);
      const migrationsDir = path.join(root, 'halfway');
      const script = halfway(harness.provider);
      writeMigrations(migrationsDir, { [NAME]: { up: script.up, down: script.down } }, harness.provider);
      const migrator = createMigrator({ database: 'halfway', url: database.url, migrationsDir, provider: harness.provider });
      expect((await migrator.deploy()).error).toBeUndefined();

      const first = await migrator.rollback({ steps: 1 });
      expect(first.outcome).toBe('failed');
      expect(first.results[0]).toMatchObject({ transactional: false, statementsRun: script.done.length });
      expect(first.error?.message).toContain('half-done rollback is recorded');

      const status = await migrator.status();
      expect(status.upToDate).toBe(false);
      expect(status.counts.rollbackFailed).toBe(1);
      expect(status.migrations[0]).toMatchObject({ name: NAME, state: 'rollbackFailed', rollbackStatementsDone: script.done });
      expect(status.migrations[0]?.logs).toContain('does_not_exist');

      const deploy = await migrator.deploy();
      expect(deploy.error?.code).toBe('ROLLBACK_INCOMPLETE');

      // The rerun skips what took effect: it fails at the same statement, not at the first one again.
      const again = await migrator.rollback({ steps: 1 });
      expect(again.plan[0]?.skipped).toEqual(script.done);
      expect(again.error?.code).toBe('ROLLBACK_FAILED');
      expect((again.error as { statement?: string }).statement).toBe('DROP TABLE does_not_exist');
      expect((await migrator.status()).migrations[0]?.state).toBe('rollbackFailed');

      // A down.sql that no longer starts with what took effect cannot resume: refused, nothing changes.
      fs.writeFileSync(path.join(migrationsDir, NAME, 'down.sql'), script.edited);
      const mismatch = await migrator.rollback({ steps: 1 });
      expect(mismatch.outcome).toBe('refused');
      expect(mismatch.error?.code).toBe('ROLLBACK_RESUME_MISMATCH');

      fs.writeFileSync(path.join(migrationsDir, NAME, 'down.sql'), script.fixed);
      const finished = await migrator.rollback({ steps: 1 });
      expect(finished.error).toBeUndefined();
      expect(finished.results[0]).toMatchObject({ status: 'succeeded' });
      expect(await userTables(database)).toEqual([]);
      const after = await migrator.status();
      expect(after.migrations[0]?.state).toBe('pending');
      expect((await migrator.history()).entries.map((entry) => entry.outcome)).toEqual(['failedHalfway', 'rolledBack']);
      // And it can be applied again.
      expect((await migrator.deploy()).error).toBeUndefined();
    });

    test('a history table of an earlier version (no details column) is upgraded, and its rows still read', async () => {
      const database = await harness.create('halfway_old');
      created.push(database);
      const [dateType, jsonType] = { postgresql: ['TIMESTAMPTZ', 'JSONB'], mysql: ['DATETIME(3)', 'LONGTEXT'], sqlite: ['DATETIME', 'TEXT'] }[harness.provider];
      await database.query(
        `CREATE TABLE _kusto_migrations_history (id VARCHAR(36) PRIMARY KEY NOT NULL, migration_name VARCHAR(255) NOT NULL, action VARCHAR(32) NOT NULL, ` +
          `checksum VARCHAR(64) NOT NULL, down_checksum VARCHAR(64) NOT NULL, applied_at ${dateType}, performed_at ${dateType} NOT NULL, duration_ms INTEGER NOT NULL, removed_rows ${jsonType} NOT NULL)`,
      );
      await database.query(
        "INSERT INTO _kusto_migrations_history VALUES ('00000000-0000-4000-8000-000000000000', '20230101000000_old', 'rolled_back', 'c', 'd', NULL, '2023-01-01 00:00:00', 5, '[]')",
      );
      const migrationsDir = path.join(root, 'halfway_old');
      const script = halfway(harness.provider);
      writeMigrations(migrationsDir, { [NAME]: { up: script.up, down: script.down } }, harness.provider);
      const migrator = createMigrator({ database: 'halfway_old', url: database.url, migrationsDir, provider: harness.provider });
      expect((await migrator.deploy()).error).toBeUndefined();
      expect((await migrator.rollback({ steps: 1 })).error?.code).toBe('ROLLBACK_FAILED');
      expect((await migrator.status()).migrations[0]).toMatchObject({ state: 'rollbackFailed', rollbackStatementsDone: script.done });
      expect((await migrator.history()).entries.map(({ migrationName, outcome }) => [migrationName, outcome])).toEqual([
        ['20230101000000_old', 'rolledBack'],
        [NAME, 'failedHalfway'],
      ]);
    });

    if (harness.provider !== 'mysql') {
      test('inside a transaction a failing down.sql leaves nothing: still applied, up to date, nothing recorded', async () => {
        const database = await harness.create('halfway_tx');
        created.push(database);
        const migrationsDir = path.join(root, 'halfway_tx');
        writeMigrations(
          migrationsDir,
          { [NAME]: { up: 'CREATE TABLE t6a (id INT);\nCREATE TABLE t6b (id INT);\n', down: 'DROP TABLE t6b;\nDROP TABLE does_not_exist;\nDROP TABLE t6a;\n' } },
          harness.provider,
        );
        const migrator = createMigrator({ database: 'halfway_tx', url: database.url, migrationsDir, provider: harness.provider });
        expect((await migrator.deploy()).error).toBeUndefined();
        const failed = await migrator.rollback({ steps: 1 });
        expect(failed.results[0]).toMatchObject({ status: 'failed', transactional: true, statementsRun: 0 });
        expect(await userTables(database)).toEqual(['t6a', 't6b']);
        const status = await migrator.status();
        expect(status).toMatchObject({ upToDate: true, counts: { applied: 1, rollbackFailed: 0 } });
        expect((await migrator.history()).entries).toEqual([]);
      });
    }
  });
});
