import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
import { removeProject } from '../test-support/project.js';
import { createRunnerProject } from '../test-support/runner-cli.js';
import { baseEnv, runKusto } from '../test-support/spawn-cli.js';

// A database folder with nothing to run yet (no seed, no migrations), through the real CLI in a
// child process against a real Postgres: the output says so instead of looking like success.

let project: string;
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('cli_empty_folder');
  project = await createRunnerProject('empty-folders', { user: {} });
});
afterAll(async () => {
  await database.drop();
  await removeProject(project);
});

test('seed: a folder without a seed shows "skipped" in its line and in the summary table, and exits 0', async () => {
  const run = await runKusto(project, ['seed'], baseEnv({ RDS_USER_URL: database.url }));
  expect(run.exitCode).toBe(0);
  expect(run.stdout).toMatch(/^- user seed skipped \(.*\): no seed\.ts\/seed\.js and no migrations\.seed in prisma\.config\.ts$/m);
  expect(run.stdout).toMatch(/^user\s+skipped\s+\S+/m);
  expect(run.stdout).not.toMatch(/^user\s+ok\b/m);
});

test('migrate -t deploy with no migrations says there are none and where they would be', async () => {
  const run = await runKusto(project, ['migrate', '-t', 'deploy', '-d', 'user', '--wait', '0', '--force'], baseEnv({ RDS_USER_URL: database.url }));
  expect(run.exitCode).toBe(0);
  expect(run.stdout).toContain(
    'no migrations: src/app/db/user/migrations/ has none (create one with kusto-db migrate -t dev -n <name> -d user, or write src/app/db/user/migrations/<timestamp>_<name>/migration.sql)',
  );
  expect(run.stdout).toMatch(/^user\s+no migrations\s+0\s+/m);
  expect(run.stdout).not.toContain('up to date');
});
