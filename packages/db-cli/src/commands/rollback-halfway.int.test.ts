import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import type { MariaDbServer } from '@kusto/test-servers';
import { createTestMariaDbDatabase, mariadbAvailability, startTestMariaDb } from '@kusto/test-servers/testing';
import { removeProject } from '../test-support/project.js';
import { createRunnerProject, kusto, migrationsDirOf } from '../test-support/runner-cli.js';

// The issue's case through the CLI on a real MariaDB, where DDL commits at once: a down.sql that
// fails at its second statement after the first took effect. `status` must show the half-done
// rollback and exit 1 (it said "Up to date", exit 0), and running the rollback again must resume
// after what took effect (it failed at statement 1 again).

const availability = await mariadbAvailability();
const suite = availability.available ? describe : describe.skip;
const NAME = '20240101000000_pair';

suite(`kusto-db rollback that fails halfway on MariaDB${availability.available ? '' : ` (skipped: ${availability.reason})`}`, () => {
  let server: MariaDbServer;
  let project: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    server = await startTestMariaDb();
    const database = await createTestMariaDbDatabase(server, 'cli_halfway');
    env = { RDS_MDB_URL: database.url };
    project = await createRunnerProject(
      'halfway',
      { mdb: { migrations: { [NAME]: { up: 'CREATE TABLE t6a (x INT);\nCREATE TABLE t6b (x INT);\n', down: 'DROP TABLE t6b;\nDROP TABLE does_not_exist;\nDROP TABLE t6a;\n' } } } },
      'mysql',
    );
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await removeProject(project);
  });

  test('status shows it and exits 1; the rerun resumes; a fixed down.sql finishes it', async () => {
    expect((await kusto(project, ['migrate', '-t', 'deploy', '-d', 'mdb', '--force'], { env })).exitCode).toBe(0);

    const failed = await kusto(project, ['rollback', '-d', 'mdb', '--force'], { env });
    expect(failed.exitCode).toBe(1);
    expect(failed.err.join('\n')).toContain('half-done rollback is recorded');

    const status = await kusto(project, ['migrate', '-t', 'status', '-d', 'mdb'], { env });
    expect(status.exitCode).toBe(1);
    expect(status.out.some((line) => line.includes(NAME) && line.includes('rollback failed halfway'))).toBe(true);
    expect(status.err.join('\n')).toContain('1 statement of its down.sql took effect (DROP TABLE t6b)');
    expect(status.out.at(-1)).toBe('Not up to date: 1 rollback failed halfway.');

    const json = await kusto(project, ['migrate', '-t', 'status', '-d', 'mdb', '--json'], { env });
    expect(JSON.parse(json.out[0]!)).toMatchObject({ upToDate: false, databases: [{ migrations: [{ name: NAME, state: 'rollbackFailed', rollbackStatementsDone: ['DROP TABLE t6b'] }] }] });

    const deploy = await kusto(project, ['migrate', '-t', 'deploy', '-d', 'mdb', '--force'], { env });
    expect(deploy.exitCode).toBe(1);
    expect(deploy.text).toContain('rollback that failed halfway');

    const dryRun = await kusto(project, ['rollback', '-d', 'mdb', '--dry-run'], { env });
    expect(dryRun.out).toContain('-- resumes a rollback that failed halfway: skips its first 1 statement, which took effect then');

    const rerun = await kusto(project, ['rollback', '-d', 'mdb', '--force'], { env });
    expect(rerun.exitCode).toBe(1);
    // It failed at statement 2 again, not at statement 1 (t6b is gone already).
    expect(rerun.err.join('\n')).toMatch(/failed at statement 2 .*does_not_exist/);

    fs.writeFileSync(path.join(migrationsDirOf(project, 'mdb'), NAME, 'down.sql'), 'DROP TABLE t6b;\nDROP TABLE t6a;\n');
    const fixed = await kusto(project, ['rollback', '-d', 'mdb', '--force'], { env });
    expect(fixed.exitCode).toBe(0);
    const tables = await server.query<Array<{ name: string }>>("SELECT table_name AS name FROM information_schema.tables WHERE table_name LIKE 't6%'");
    expect(tables).toEqual([]);
    const pending = await kusto(project, ['migrate', '-t', 'status', '-d', 'mdb'], { env });
    expect(pending.out.some((line) => line.includes(NAME) && line.includes('pending'))).toBe(true);
  });
});
