import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir, writeMigrations } from '@kusto/test-servers/migration-fixtures';
import { migrationChecksum } from './checksum.js';
import { createMigrator } from './migrator.js';
import type { MigratorOptions } from './options.js';
import { DIALECT_HARNESSES, harnessTitle, type DialectHarness, type HarnessDatabase } from './test-support/dialects.js';

// The same runner suite on every provider, each against a real server: deploy, status states,
// failure mid-migration, resolve, rollback with and without down.sql, lock contention with a
// second process.

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, '..');

const NAMES = ['20240101000000_users', '20240102000000_posts', '20240103000000_post_body'];

function holdLock(provider: string, url: string): Promise<ChildProcessWithoutNullStreams> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'test-support/scenarios/hold-lock.ts'), provider, url], {
    cwd: packageDir,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`lock holder did not report within 20 s: ${output}`)), 20_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('locked')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lock holder exited with ${code}: ${output}`));
    });
  });
}

describe.each(DIALECT_HARNESSES.map((harness) => [harnessTitle(harness), harness] as const))('runner on %s', (_title, harness: DialectHarness) => {
  const suite = harness.skip === undefined ? describe : describe.skip;
  suite('against a real server', () => {
    const created: HarnessDatabase[] = [];
    let root: string;

    beforeAll(async () => {
      await harness.start();
      root = makeTempDir(`runner-${harness.provider}`);
    }, 60_000);
    afterAll(async () => {
      await Promise.all(created.map((database) => database.drop()));
      await harness.stop();
      fs.rmSync(root, { recursive: true, force: true });
    });

    async function setUp(label: string, migrations = harness.migrations): Promise<{ database: HarnessDatabase; migrationsDir: string; options: MigratorOptions }> {
      const database = await harness.create(label);
      created.push(database);
      const migrationsDir = path.join(makeTempDir(label, root), 'migrations');
      writeMigrations(migrationsDir, migrations, harness.provider);
      return { database, migrationsDir, options: { database: label, url: database.url, migrationsDir, provider: harness.provider } };
    }

    test('deploy applies every migration in order and keeps Prisma bookkeeping; a second deploy has nothing to do', async () => {
      const { database, migrationsDir, options } = await setUp('deploy');
      const migrator = createMigrator(options);
      const first = await migrator.deploy();
      expect(first.error).toBeUndefined();
      expect(first.outcome).toBe('applied');
      expect(first.results.map((result) => [result.name, result.status])).toEqual(NAMES.map((name) => [name, 'succeeded']));
      expect(await database.tables()).toEqual(expect.arrayContaining(['Post', 'User', '_prisma_migrations']));

      const rows = await database.prismaRows();
      expect(rows.map((row) => row.migration_name)).toEqual(NAMES);
      for (const row of rows) {
        const script = fs.readFileSync(path.join(migrationsDir, row.migration_name, 'migration.sql'), 'utf8');
        expect(row.checksum).toBe(migrationChecksum(script));
        expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(row.finished_at).not.toBeNull();
        expect(row.rolled_back_at).toBeNull();
        expect(row.logs).toBeNull();
        expect(Number(row.applied_steps_count)).toBe(1);
      }
      const second = await migrator.deploy();
      expect(second.outcome).toBe('upToDate');
      expect((await migrator.status()).upToDate).toBe(true);
    });

    test('status: pending, applied, checksum mismatch, missing locally, failed', async () => {
      const { migrationsDir, options } = await setUp('status');
      const migrator = createMigrator(options);
      const before = await migrator.status();
      // Read fine (ok) though nothing is applied (not up to date).
      expect(before).toMatchObject({ ok: true, upToDate: false, hasMigrationsTable: false });
      expect(before.migrations.map((entry) => entry.state)).toEqual(['pending', 'pending', 'pending']);

      await migrator.deploy();
      fs.appendFileSync(path.join(migrationsDir, NAMES[1]!, 'migration.sql'), '\n-- edited\n');
      fs.rmSync(path.join(migrationsDir, NAMES[2]!), { recursive: true });
      writeMigrations(migrationsDir, { '20240104000000_fails': harness.failing });
      await migrator.deploy();

      const after = await migrator.status();
      expect(Object.fromEntries(after.migrations.map((entry) => [entry.name, entry.state]))).toEqual({
        [NAMES[0]!]: 'applied',
        [NAMES[1]!]: 'checksumMismatch',
        [NAMES[2]!]: 'missingLocally',
        '20240104000000_fails': 'failed',
      });
      expect(after.upToDate).toBe(false);
    });

    test('a failure mid-migration is recorded as failed with the statement and the server error; what took effect is said', async () => {
      const { database, options } = await setUp('failure', { [NAMES[0]!]: harness.migrations[NAMES[0]!]!, '20240104000000_fails': harness.failing });
      const migrator = createMigrator(options);
      const result = await migrator.deploy();
      expect(result.ok).toBe(false);
      expect(result.error?.code).toBe('MIGRATION_FAILED');
      const error = result.error as unknown as { statement: string; statementIndex: number; tookEffect: string[]; transactional: boolean; message: string };
      expect(error.statement).toContain('Missing');
      expect(error.statementIndex).toBe(2);
      const tables = await database.tables();
      if (harness.provider === 'mysql') {
        // No transactional DDL: the first two statements stay, and the report says so.
        expect(error.transactional).toBe(false);
        expect(error.tookEffect).toEqual(['CREATE TABLE `Fail_a` (id INT)', 'CREATE TABLE `Fail_b` (id INT)']);
        expect(error.message).toContain('statements 1–2 took effect');
        expect(tables).toEqual(expect.arrayContaining(['Fail_a', 'Fail_b']));
      } else {
        expect(error.transactional).toBe(true);
        expect(error.tookEffect).toEqual([]);
        expect(tables).not.toContain('Fail_a');
      }
      const failedRow = (await database.prismaRows()).find((row) => row.migration_name === '20240104000000_fails')!;
      expect(failedRow.finished_at).toBeNull();
      expect(failedRow.logs).toContain('Missing');
      expect(failedRow.logs).toContain('INSERT INTO');

      // Prisma's rule: nothing deploys while a failed migration is unresolved; the advice is our own resolve command.
      const again = await migrator.deploy();
      expect(again.error?.code).toBe('FAILED_MIGRATIONS_PRESENT');
      expect(again.error?.message).toContain('kusto-db migrate -t resolve -d failure --rolled-back 20240104000000_fails');
    });

    test('resolve --rolled-back lets deploy retry a fixed migration; resolve --applied records one without running it', async () => {
      const { database, migrationsDir, options } = await setUp('resolve', { [NAMES[0]!]: harness.migrations[NAMES[0]!]!, '20240104000000_fails': harness.failing });
      const migrator = createMigrator(options);
      await migrator.deploy();

      // Refusals, as Prisma's: an applied migration is not failed, an unknown one was never applied.
      expect((await migrator.resolve({ rolledBack: NAMES[0]! })).error).toMatchObject({ code: 'RESOLVE_REFUSED', reason: 'notFailed', prismaCode: 'P3012' });
      expect((await migrator.resolve({ rolledBack: 'nope' })).error).toMatchObject({ reason: 'notApplied', prismaCode: 'P3011' });
      expect((await migrator.resolve({ applied: NAMES[0]! })).error).toMatchObject({ reason: 'alreadyApplied', prismaCode: 'P3008' });
      expect((await migrator.resolve({ applied: 'nope' })).error).toMatchObject({ reason: 'notFoundLocally', prismaCode: 'P3017' });

      const rolledBack = await migrator.resolve({ rolledBack: '20240104000000_fails' });
      expect(rolledBack).toMatchObject({ ok: true, outcome: 'rolledBack', updated: 1 });
      // Fix it (dropping what a non-transactional run left behind) and deploy again.
      if (harness.provider === 'mysql') await database.query('DROP TABLE `Fail_a`, `Fail_b`');
      writeMigrations(migrationsDir, { '20240104000000_fails': { up: harness.failing.up.replace(/INSERT INTO .Missing.*\n/, '') } });
      const retried = await migrator.deploy();
      expect(retried.error).toBeUndefined();
      expect(retried.results.map((result) => result.name)).toEqual(['20240104000000_fails']);
      const rows = (await database.prismaRows()).filter((row) => row.migration_name === '20240104000000_fails');
      expect(rows.map((row) => [row.finished_at === null, row.rolled_back_at === null])).toEqual([
        [true, false],
        [false, true],
      ]);

      // --applied: a pending migration recorded as applied, its SQL never run.
      writeMigrations(migrationsDir, { '20240105000000_by_hand': { up: 'CREATE TABLE by_hand (id INT);\n' } });
      const applied = await migrator.resolve({ applied: '20240105000000_by_hand' });
      expect(applied).toMatchObject({ ok: true, outcome: 'applied' });
      expect(await database.tables()).not.toContain('by_hand');
      const row = (await database.prismaRows()).find((candidate) => candidate.migration_name === '20240105000000_by_hand')!;
      expect(row.logs).toBe('');
      expect(row.finished_at).not.toBeNull();
      expect(Number(row.applied_steps_count)).toBe(0);
      expect((await migrator.status()).upToDate).toBe(true);
    });

    test('rollback reverts with down.sql, removes the rows and keeps a history; without down.sql it refuses and changes nothing', async () => {
      const { database, migrationsDir, options } = await setUp('rollback');
      const migrator = createMigrator(options);
      await migrator.deploy();
      const rolled = await migrator.rollback({ steps: 2 });
      expect(rolled.error).toBeUndefined();
      expect(rolled.results.map((result) => result.name)).toEqual([NAMES[2], NAMES[1]]);
      expect(await database.tables()).not.toContain('Post');
      expect((await database.prismaRows()).map((row) => row.migration_name)).toEqual([NAMES[0]]);
      const history = await migrator.history();
      expect(history.entries.map((entry) => entry.migrationName)).toEqual([NAMES[2], NAMES[1]]);
      expect(history.entries[0]!.removedRows[0]!.migrationName).toBe(NAMES[2]);

      fs.rmSync(path.join(migrationsDir, NAMES[0]!, 'down.sql'));
      const refused = await migrator.rollback({ steps: 1 });
      expect(refused.outcome).toBe('refused');
      expect(refused.error?.code).toBe('DOWN_MIGRATION_MISSING');
      expect(await database.tables()).toContain('User');
      expect((await migrator.status()).migrations.map((entry) => entry.state)).toEqual(['applied', 'pending', 'pending']);
    });

    test('an abort mid-statement cancels it (SQLite: stops after it), rolls back what it can, records the failure and frees the lock', async () => {
      const slow = { up: `${harness.sleep(2)};\nCREATE TABLE after_slow (id INTEGER);\n` };
      const { database, options } = await setUp('abort', { '20240101000000_slow': slow });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      const result = await createMigrator({ ...options, signal: controller.signal }).deploy();
      expect(result.error?.code).toBe('MIGRATION_FAILED');
      expect((result.error as unknown as { cancelled: boolean }).cancelled).toBe(true);
      // Postgres and MySQL stop the statement itself; SQLite's runs to its end in-process, then the script stops.
      expect(result.error?.message).toContain(`was cancelled at statement ${harness.provider === 'sqlite' ? 2 : 1}`);
      expect(await database.tables()).not.toContain('after_slow');
      expect((await database.prismaRows())[0]!.finished_at).toBeNull();
      // The lock is free: the next run is refused for the failed migration, not for the lock.
      const next = await createMigrator({ ...options, lockTimeoutMs: 1_000 }).deploy();
      expect(next.error?.code).toBe('FAILED_MIGRATIONS_PRESENT');
    }, 30_000);

    test("a second process holding the migration lock makes deploy wait, then time out; after it lets go deploy runs", async () => {
      const { database, options } = await setUp('lock');
      const holder = await holdLock(harness.provider, database.url);
      try {
        const blocked = await createMigrator({ ...options, lockTimeoutMs: 1_000 }).deploy();
        expect(blocked.error?.code).toBe('LOCK_TIMEOUT');
      } finally {
        holder.stdin.end();
        await new Promise((resolve) => holder.once('exit', resolve));
      }
      // (Read only now: on SQLite the holder's exclusive lock keeps readers out too.)
      expect(await database.tables()).not.toContain('User');
      const after = await createMigrator(options).deploy();
      expect(after.outcome).toBe('applied');
    }, 60_000);
  });
});
