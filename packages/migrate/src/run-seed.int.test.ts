import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { discoverDatabases, envVarForDatabase, type DatabaseFolder } from '@kusto/db';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
import { runSeed } from './run-seed.js';
import { makeTempDir, query } from '@kusto/test-servers/migration-fixtures';

// Seeds import `pg`, so the fixture root sits inside packages/db-cli, where it resolves.
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const SCHEMA = 'datasource db {\n  provider = "postgresql"\n}\n';
const SEED_TS = `import pg from 'pg';
const url = process.env[__VAR__] as string;
const client = new pg.Client({ connectionString: url });
await client.connect();
await client.query("CREATE TABLE seeded (source text, db text)");
await client.query("INSERT INTO seeded VALUES ($1, current_database())", [__SOURCE__]);
await client.end();
console.log('seeded ' + url);
`;

let root: string;
const databases: TestDatabase[] = [];
let folders: ReadonlyMap<string, DatabaseFolder>;

function writeFolder(name: string, files: Record<string, string>): void {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'schema.prisma'), SCHEMA);
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
}

function seedSource(name: string, source: string): string {
  return SEED_TS.replace('__VAR__', JSON.stringify(envVarForDatabase(name))).replace('__SOURCE__', JSON.stringify(source));
}

beforeAll(async () => {
  root = makeTempDir('seed', path.join(packageDir, '.fixtures'));
  writeFolder('user', { 'seed.ts': seedSource('user', 'seed.ts') });
  writeFolder('analytics', { 'seed.js': seedSource('analytics', 'seed.js').replace(': string', '').replace(' as string', '') });
  writeFolder('configured', {
    'seed.ts': 'throw new Error("the config seed should win");\n',
    'config-seed.mjs': seedSource('configured', 'config').replace(': string', '').replace(' as string', ''),
    'prisma.config.ts': "const seed: string = 'node config-seed.mjs';\nexport default { schema: 'schema.prisma', migrations: { seed } };\n",
  });
  writeFolder('viatsx', {
    'tsx-seed.ts': seedSource('viatsx', 'tsx from the config'),
    'prisma.config.ts': "export default { schema: 'schema.prisma', migrations: { seed: 'tsx tsx-seed.ts' } };\n",
  });
  writeFolder('broken', { 'seed.ts': 'console.error("about to fail");\nprocess.exit(3);\n' });
  writeFolder('plain', {});
  folders = discoverDatabases({ root }).databases;
  for (let i = 0; i < 4; i++) databases.push(await createTestDatabase(`seed_${i}`));
});

afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
  fs.rmSync(root, { recursive: true, force: true });
});

async function seeded(url: string): Promise<unknown[]> {
  return query(url, 'SELECT source, db FROM seeded');
}

describe('runSeed', () => {
  it('runs seed.ts with tsx and seed.js with node, each with its own database URL', async () => {
    const [userDb, analyticsDb] = databases;
    const lines: string[] = [];
    const user = await runSeed({ folder: folders.get('user')!, url: userDb!.url, onOutput: (line) => lines.push(`user| ${line}`) });
    const analytics = await runSeed({
      folder: folders.get('analytics')!,
      env: { ...process.env, [envVarForDatabase('analytics')]: analyticsDb!.url },
      onOutput: (line) => lines.push(`analytics| ${line}`),
    });
    expect(user.error).toBeUndefined();
    expect(user).toMatchObject({ ok: true, outcome: 'seeded', source: 'tsx', exitCode: 0 });
    expect(analytics).toMatchObject({ ok: true, outcome: 'seeded', source: 'node', exitCode: 0 });
    expect(await seeded(userDb!.url)).toEqual([{ source: 'seed.ts', db: userDb!.name }]);
    expect(await seeded(analyticsDb!.url)).toEqual([{ source: 'seed.js', db: analyticsDb!.name }]);

    // The seeds print their URL: the output passed on has the password masked.
    const password = decodeURIComponent(new URL(userDb!.url).password);
    expect(lines.some((line) => line.startsWith('user| seeded postgresql://'))).toBe(true);
    expect(lines.some((line) => line.startsWith('analytics| seeded'))).toBe(true);
    expect(lines.join('\n')).not.toContain(password);
  });

  it('runs the migrations.seed command of prisma.config.ts instead of seed.ts', async () => {
    const database = databases[2]!;
    const result = await runSeed({ folder: folders.get('configured')!, url: database.url, onOutput: () => undefined });
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ ok: true, source: 'config', command: 'node config-seed.mjs' });
    expect(await seeded(database.url)).toEqual([{ source: 'config', db: database.name }]);
  });

  it('a config command finds tsx even when it is not on the PATH, as npm scripts find local bins', async () => {
    const database = databases[3]!;
    const env = { ...process.env, PATH: '/usr/bin:/bin' };
    const result = await runSeed({ folder: folders.get('viatsx')!, env, url: database.url, onOutput: () => undefined });
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ ok: true, source: 'config', command: 'tsx tsx-seed.ts' });
    expect(await seeded(database.url)).toEqual([{ source: 'tsx from the config', db: database.name }]);
  });

  it('reports a failing seed with its exit code and output', async () => {
    const lines: Array<[string, string]> = [];
    const result = await runSeed({ folder: folders.get('broken')!, url: databases[0]!.url, onOutput: (line, stream) => lines.push([stream, line]) });
    expect(result).toMatchObject({ ok: false, outcome: 'failed', exitCode: 3 });
    expect(result.error?.code).toBe('SEED_FAILED');
    expect(result.error?.message).toContain('exited with code 3');
    expect(lines).toContainEqual(['stderr', 'about to fail']);
  });

  it('skips a folder without a seed, saying why', async () => {
    const result = await runSeed({ folder: folders.get('plain')!, url: databases[0]!.url });
    expect(result).toMatchObject({ ok: true, outcome: 'skipped' });
    expect(result.reason).toContain('no seed.ts');
  });
});
