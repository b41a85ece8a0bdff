import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshDatabases, prismaRows, tableNames, THREE_MIGRATIONS, writeMigrations } from '@kusto/test-servers/migration-fixtures';
import type { TestDatabase } from '@kusto/test-servers/testing';
import { packageDir, schemaFor, USER_MODELS } from './test-support/project.js';

// A global kusto-db as the README installs it (`npm run install-cli`: the workspace packages packed
// and installed with `npm install --global`, here into a private prefix), run in a project outside
// the workspace that has its own `pg`, against a real Postgres. Before, every runner command said
// that pg was not installed: @kusto/migrate looked for it beside itself only.

const workspaceRoot = path.resolve(packageDir, '..', '..');
const registryReachable = spawnSync('npm', ['view', 'pg@8', 'version', '--json'], { stdio: 'ignore', timeout: 30_000 }).status === 0;

interface Run {
  readonly exitCode: number | null;
  readonly text: string;
}

/** Runs a command to its end, output collected, killed after `timeoutMs`. */
function runCommand(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Run> {
  const child = spawn(command, [...args], { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, text });
    });
  });
}

(registryReachable ? describe : describe.skip)('kusto-db installed globally from the packed packages (skipped: the npm registry is not reachable)', () => {
  const freshDatabase = freshDatabases();
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'kusto-global-'));
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'kusto-global-project-'));
  const kustoDb = path.join(prefix, 'bin', 'kusto-db');
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const install = await runCommand(process.execPath, [path.join(workspaceRoot, 'scripts', 'install-cli.mjs'), '--prefix', prefix, '--no-build'], {
      cwd: workspaceRoot,
      timeoutMs: 400_000,
    });
    expect({ exitCode: install.exitCode, text: install.text }).toEqual({ exitCode: 0, text: expect.stringContaining(`kusto-db installed: ${kustoDb}`) });

    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'global-cli-project', private: true, type: 'module' }));
    const pg = await runCommand('npm', ['install', '--no-fund', '--no-audit', 'pg@8'], { cwd: project, timeoutMs: 200_000 });
    expect({ exitCode: pg.exitCode, text: pg.text }).toEqual({ exitCode: 0, text: expect.any(String) });
    const folder = path.join(project, 'src', 'app', 'db', 'user');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'schema.prisma'), schemaFor('postgresql', USER_MODELS));
    writeMigrations(path.join(folder, 'migrations'), THREE_MIGRATIONS, 'postgresql');

    database = await freshDatabase('cli_global_install');
    env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', RDS_USER_URL: database.url };
  }, 600_000);

  afterAll(() => {
    for (const dir of [prefix, project]) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('kusto-db --version, then migrate -t deploy, status and execute on the project\'s Postgres', async () => {
    const version = await runCommand(kustoDb, ['--version'], { cwd: project, env, timeoutMs: 60_000 });
    expect(version).toEqual({ exitCode: 0, text: `${(JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string }).version}\n` });

    const deploy = await runCommand(kustoDb, ['migrate', '-t', 'deploy', '--wait', '0', '--force'], { cwd: project, env, timeoutMs: 120_000 });
    expect({ exitCode: deploy.exitCode, text: deploy.text }).toEqual({ exitCode: 0, text: expect.stringContaining('applied 3 migrations') });
    expect(deploy.text).toContain(`Databases under ${path.join(project, 'src', 'app', 'db')}`);
    expect((await prismaRows(database.url)).map((row) => row.migration_name)).toEqual(Object.keys(THREE_MIGRATIONS));
    expect(await tableNames(database.url)).toEqual(['Post', 'User', '_prisma_migrations']);

    const status = await runCommand(kustoDb, ['status'], { cwd: project, env, timeoutMs: 120_000 });
    expect({ exitCode: status.exitCode, text: status.text }).toEqual({ exitCode: 0, text: expect.stringContaining('user') });

    const execute = await runCommand(kustoDb, ['execute', '-d', 'user', '--json', '-q', 'SELECT count(*)::int AS "users" FROM "User"'], { cwd: project, env, timeoutMs: 120_000 });
    expect({ exitCode: execute.exitCode, text: execute.text }).toEqual({ exitCode: 0, text: expect.stringContaining('{"users":0}') });
    expect(deploy.text + status.text + execute.text).not.toContain('is not installed');
  }, 300_000);
});
