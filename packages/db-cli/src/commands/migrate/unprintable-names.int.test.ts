import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
import { writeMigrations } from '@kusto/test-servers/migration-fixtures';
import { removeProject } from '../../test-support/project.js';
import { createRunnerProject, kusto, migrationsDirOf } from '../../test-support/runner-cli.js';

// Migration folder names come from the file system and may hold anything: a newline or an escape
// sequence printed raw rewrites or recolours the terminal. A symlinked folder is not applied (as
// Prisma does not follow it either) and must say so instead of vanishing. Real Postgres.

const EVIL = '20240102000000_evil\n\u001b[2J\u001b[31mred';
const EVIL_SHOWN = '20240102000000_evil\\n\\x1b[2J\\x1b[31mred';
const LINKED = '20240103000000_linked';

let database: TestDatabase;
let project: string;
let outside: string;
const env = () => ({ RDS_USER_URL: database.url });

beforeAll(async () => {
  database = await createTestDatabase('cli_unprintable');
  project = await createRunnerProject('unprintable', {
    user: {
      migrations: {
        '20240101000000_users': { up: 'CREATE TABLE "User" ("id" INT);\n', down: 'DROP TABLE "User";\n' },
        [EVIL]: { up: 'CREATE TABLE "Evil" ("id" INT);\n', down: 'DROP TABLE "Evil";\n' },
      },
    },
  });
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'kusto-linked-migration-'));
  writeMigrations(outside, { [LINKED]: { up: 'CREATE TABLE "Linked" ("id" INT);\n' } });
  fs.symlinkSync(path.join(outside, LINKED), path.join(migrationsDirOf(project, 'user'), LINKED));
});
afterAll(async () => {
  await database.drop();
  await removeProject(project);
  fs.rmSync(outside, { recursive: true, force: true });
});

/** Nothing a terminal would act on may reach it: no ESC, and every line break is one we wrote. */
function expectPrintable(text: string): void {
  expect(text).not.toContain('\u001b');
  expect(text).not.toContain('evil\n');
}

describe('migration names that are not printable, and symlinked folders', () => {
  test('deploy applies the oddly named migration, prints its name escaped, and reports the symlink as skipped', async () => {
    const run = await kusto(project, ['migrate', '-t', 'deploy', '-d', 'user', '--force'], { env: env() });
    expect(run.exitCode).toBe(0);
    expectPrintable(run.text);
    expect(run.text).toContain(EVIL_SHOWN);
    expect(run.err.join('\n')).toContain(`user: skipped migrations/${LINKED}: a symbolic link, not followed`);
  });

  test('status lists the escaped name and the skipped symlink', async () => {
    const run = await kusto(project, ['migrate', '-t', 'status', '-d', 'user'], { env: env() });
    expect(run.exitCode).toBe(0);
    expectPrintable(run.text);
    expect(run.out.some((line) => line.includes(EVIL_SHOWN) && line.includes('applied'))).toBe(true);
    expect(run.err.join('\n')).toContain(`skipped migrations/${LINKED}: a symbolic link`);
  });

  test('rollback prints the plan and the progress with the name escaped, and the skipped symlink', async () => {
    const dryRun = await kusto(project, ['rollback', '-d', 'user', '--dry-run'], { env: env() });
    expect(dryRun.exitCode).toBe(0);
    expectPrintable(dryRun.text);
    expect(dryRun.out).toContain(`-- ${EVIL_SHOWN} (${path.join(migrationsDirOf(project, 'user'), EVIL_SHOWN, 'down.sql')}; in one transaction)`);
    const run = await kusto(project, ['rollback', '-d', 'user', '--force'], { env: env() });
    expect(run.exitCode).toBe(0);
    expectPrintable(run.text);
    expect(run.text).toContain(EVIL_SHOWN);
    expect(run.err.join('\n')).toContain(`skipped migrations/${LINKED}: a symbolic link`);
  });
});
