import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
import { createProject, removeProject } from '../test-support/project.js';
import { baseEnv, runKusto } from '../test-support/spawn-cli.js';

// What a new user does, in a child process: `kusto-db init`, `generate`, then `seed` runs the
// scaffolded seed.ts as written, against a real Postgres, in both kinds of npm project.

let database: TestDatabase;
const projects: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase('cli_init_seed');
});
afterAll(async () => {
  await database.drop();
  await Promise.all(projects.map((project) => removeProject(project)));
});

async function commonJsProject(): Promise<string> {
  const project = await createProject('init-seed-cjs', {});
  await fs.rm(path.join(project, 'package.json'));
  // npm's own default project: `npm init -y` writes "type": "commonjs".
  await promisify(execFile)('npm', ['init', '-y'], { cwd: project, env: { ...process.env, npm_config_yes: 'true' } });
  return project;
}

async function moduleProject(): Promise<string> {
  return createProject('init-seed-esm', {}); // package.json with "type": "module"
}

describe.each([
  ['an ESM project ("type": "module")', moduleProject, 'module'],
  ['a default npm project (npm init -y, CommonJS)', commonJsProject, 'commonjs'],
])('in %s', (_label, makeProject, expectedType) => {
  test('init, generate, then seed: the scaffolded seed.ts runs as written', async () => {
    const project = await makeProject();
    projects.push(project);
    const manifest = JSON.parse(await fs.readFile(path.join(project, 'package.json'), 'utf8')) as { type?: string };
    expect(manifest.type).toBe(expectedType);
    const env = baseEnv({ RDS_USER_URL: database.url });

    const init = await runKusto(project, ['init', 'user'], env);
    expect(init.text).toContain('Created src/app/db/user/');
    expect(init.exitCode).toBe(0);
    const generate = await runKusto(project, ['generate', '-d', 'user'], env);
    expect(generate.exitCode).toBe(0);

    const seed = await runKusto(project, ['seed', '-d', 'user'], env);
    expect(seed.text).toMatch(/✔ user seed ok .*tsx seed\.ts/);
    expect(seed.exitCode).toBe(0);
  }, 120_000);
});
