import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
import { createProject, packageDir, removeProject } from './test-support/project.js';
import { baseEnv, cliArgv } from './test-support/spawn-cli.js';

// The README's quick start, run as written in a fresh project against a real Postgres: each line
// of its sh block through bash, `npx kusto-db` being this package's CLI. The database URL is set
// in the environment, so it wins over the example URL the block writes into .env (as documented).

let database: TestDatabase;
let project: string;

/** The lines of the first ```sh block after `## Quick start`, continuation lines joined. */
function quickStart(): string[] {
  const readme = fs.readFileSync(path.join(packageDir, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

beforeAll(async () => {
  database = await createTestDatabase('cli_readme_quick_start');
  project = await createProject('readme', {});
});
afterAll(async () => {
  await database.drop();
  await removeProject(project);
});

test('every line of the quick start runs and succeeds, and the database ends up migrated and seeded', async () => {
  const kusto = [process.execPath, ...cliArgv([])].map((arg) => `'${arg}'`).join(' ');
  const lines = quickStart();
  expect(lines.length).toBeGreaterThanOrEqual(6);
  for (const line of lines) {
    const command = line.replace(/^npx kusto-db\b/, kusto);
    const run = await promisify(execFile)('bash', ['-c', command], {
      cwd: project,
      env: baseEnv({ RDS_USER_URL: database.url, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath }),
    }).catch((error: { code?: number; stdout?: string; stderr?: string }) => error);
    expect({ line, code: 'code' in run ? (run.code ?? 0) : 0, output: `${run.stdout ?? ''}${run.stderr ?? ''}`.slice(-400) }).toMatchObject({ line, code: 0 });
  }
  expect(fs.existsSync(path.join(project, 'src/app/db/user/client/index.js'))).toBe(true);
  expect(await fsp.readFile(path.join(project, '.env'), 'utf8')).toContain('RDS_USER_URL=');
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
    expect(tables.rows.map((row) => row.table_name)).toEqual(['Example', '_prisma_migrations']);
  } finally {
    await client.end();
  }
}, 180_000);
