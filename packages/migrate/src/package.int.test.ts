import { afterAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freshDatabases, makeTempDir, tableNames, THREE_MIGRATIONS, writeMigrations } from '@kusto/test-servers/migration-fixtures';

// The package as a user gets it: `pnpm pack` of @kusto/migrate and @kusto/db, installed with npm
// into a fresh app that knows nothing of this workspace, then used from ESM and from CommonJS.
// The tarballs are local; npm fetches the drivers (pg) and @kusto/db's own dependencies from its
// cache or the registry.

const run = promisify(execFile);
const packagesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fresh = freshDatabases();

async function pack(packageDir: string, destination: string): Promise<string> {
  const { stdout } = await run('pnpm', ['pack', '--pack-destination', destination], { cwd: packageDir });
  const tarball = stdout.trim().split('\n').at(-1)!;
  return path.isAbsolute(tarball) ? tarball : path.join(destination, path.basename(tarball));
}

// Packed and installed once, before the tests are declared, so a registry that cannot be reached
// (with a cache that lacks the packages) skips them with that reason instead of failing.
const root = makeTempDir('kusto-migrate-pack');
const app = path.join(root, 'app');
let installError: string | undefined;
let unreachable: string | undefined;
{
  const tarballs = [await pack(path.join(packagesDir, 'db'), root), await pack(path.join(packagesDir, 'migrate'), root)];
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', version: '1.0.0', private: true }));
  try {
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs, 'pg@8'], { cwd: app, timeout: 240_000 });
  } catch (error) {
    const failure = error as { stderr?: string; killed?: boolean };
    // A timed-out install has nothing on stderr: say so rather than fail on an empty string.
    installError = failure.killed ? `npm install did not finish within 240 s: ${String(error)}` : failure.stderr || String(error);
    if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|ENOTCACHED/.test(installError)) {
      unreachable = 'npm cannot reach the registry and its cache lacks the dependencies';
    }
  }
  writeMigrations(path.join(app, 'migrations'), THREE_MIGRATIONS);
}

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** Runs a script file in the fresh app with `DATABASE_URL` set; returns its stdout parsed as JSON. */
async function runInApp(file: string, source: string, url: string): Promise<Record<string, unknown>> {
  fs.writeFileSync(path.join(app, file), source);
  const { stdout } = await run(process.execPath, [file], { cwd: app, env: { ...process.env, DATABASE_URL: url }, timeout: 60_000 });
  return JSON.parse(stdout) as Record<string, unknown>;
}

const suite = unreachable === undefined ? describe : describe.skip;

suite(`installed alone from its tarball${unreachable === undefined ? '' : ` (skipped: ${unreachable})`}`, () => {
  test('npm installs it into a fresh app without the workspace', () => {
    expect(installError).toBeUndefined();
    const installed = JSON.parse(fs.readFileSync(path.join(app, 'node_modules/@kusto/migrate/package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    // No CLI library comes with it.
    expect(Object.keys(installed.dependencies).sort()).toEqual(['@kusto/db', 'tsx']);
    for (const cliLibrary of ['yargs', 'prompts', 'kleur']) expect(fs.existsSync(path.join(app, 'node_modules', cliLibrary))).toBe(false);
    expect(fs.existsSync(path.join(app, 'node_modules/@kusto/migrate/dist/index.js'))).toBe(true);
    expect(fs.existsSync(path.join(app, 'node_modules/@kusto/migrate/dist/test-support'))).toBe(false);
  });

  test('from ESM: import, deploy, then the tables exist', async () => {
    const database = await fresh('pack_esm');
    const out = await runInApp(
      'deploy.mjs',
      `import { createMigrator } from '@kusto/migrate';
const migrator = createMigrator({ database: 'user', url: process.env.DATABASE_URL, migrationsDir: 'migrations' });
const result = await migrator.deploy();
console.log(JSON.stringify({ ok: result.ok, outcome: result.outcome, applied: result.results.map((r) => r.name), error: result.error?.message }));
`,
      database.url,
    );
    expect(out).toEqual({ ok: true, outcome: 'applied', applied: Object.keys(THREE_MIGRATIONS) });
    expect(await tableNames(database.url)).toEqual(['Post', 'User', '_prisma_migrations']);
  });

  test('a provider whose driver is not installed is a DRIVER_MISSING error naming the package', async () => {
    const out = await runInApp(
      'sqlite.mjs',
      `import { createMigrator } from '@kusto/migrate';
const result = await createMigrator({ database: 'local', url: 'file:./dev.db', migrationsDir: 'migrations', provider: 'sqlite' }).deploy();
console.log(JSON.stringify({ ok: result.ok, code: result.error?.code, message: result.error?.message }));
`,
      'unused',
    );
    expect(out).toMatchObject({ ok: false, code: 'DRIVER_MISSING' });
    expect(out['message']).toContain('npm install better-sqlite3');
  });

  test('from CommonJS: require, deploy and status', async () => {
    const database = await fresh('pack_cjs');
    const out = await runInApp(
      'deploy.cjs',
      `const { createMigrator, MIGRATOR_DEFAULTS } = require('@kusto/migrate');
const migrator = createMigrator({ database: 'user', url: process.env.DATABASE_URL, migrationsDir: 'migrations' });
migrator.deploy().then(async (deployed) => {
  const status = await migrator.status();
  console.log(JSON.stringify({ deployed: deployed.outcome, upToDate: status.upToDate, provider: MIGRATOR_DEFAULTS.provider }));
});
`,
      database.url,
    );
    expect(out).toEqual({ deployed: 'applied', upToDate: true, provider: 'postgresql' });
  });
});
