import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@kusto/test-servers/testing';
import { runCli } from '../cli.js';
import { capture, createProject, removeProject, schemaFor, USER_MODELS } from '../test-support/project.js';
import { baseEnv } from '../test-support/spawn-cli.js';

// `kusto-db generate` writes the database registry in the module format of the project (plain
// JavaScript here: ES module and CommonJS; TypeScript is built and bundled by apps/functions), and
// an app that imports it runs against a real Postgres from a folder without any database folder.

const env = baseEnv();

let database: TestDatabase;
let elsewhere: string;
const projects: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase('registry');
  const { Client } = (await import('pg')).default;
  const client = new Client({ connectionString: database.url });
  await client.connect();
  await client.query('CREATE TABLE "User" (id SERIAL PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT)');
  await client.query(`INSERT INTO "User" (email) VALUES ('a@example.com'), ('b@example.com')`);
  await client.end();
  elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'kusto-elsewhere-'));
});

afterAll(async () => {
  await Promise.all(projects.map(removeProject));
  fs.rmSync(elsewhere, { recursive: true, force: true });
  await database?.drop();
});

async function generatedProject(type: 'module' | 'commonjs'): Promise<string> {
  const project = await createProject(`registry-${type}`, { user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS) } });
  projects.push(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'fixture-registry', private: true, type }));
  const { io, out, err } = capture();
  expect({ code: await runCli(['generate', '-a'], { cwd: project, env, io }), err }).toEqual({ code: 0, err: [] });
  expect(out.join('\n')).toContain('Wrote src/kusto-registry.js (user): import it to run without the database folders (bundled functions).');
  return project;
}

/** Runs `source` (saved in the project's src/) with the working directory somewhere without src/app/db. */
function runElsewhere(project: string, file: string, source: string): { status: number | null; stdout: string; stderr: string } {
  const script = path.join(project, 'src', file);
  fs.writeFileSync(script, source);
  const result = spawnSync(process.execPath, [script], { cwd: elsewhere, env: { PATH: process.env.PATH, RDS_USER_URL: database.url }, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('generate writes the registry', () => {
  test('an ES module project: src/kusto-registry.js with static imports; kusto.db then needs no folders', async () => {
    const project = await generatedProject('module');
    const text = fs.readFileSync(path.join(project, 'src/kusto-registry.js'), 'utf8');
    expect(text).toContain('import * as adapterPg0 from "@prisma/adapter-pg";');
    expect(text).toContain('import { PrismaClient as user0Client } from "./app/db/user/client/index.js";');
    const run = runElsewhere(
      project,
      'check.mjs',
      "import './kusto-registry.js';\nimport { kusto } from '@kusto/db';\nconst client = await kusto.db.getClient('user');\nconsole.log('users', await client.user.count());\nawait kusto.db.disconnectAll();\n",
    );
    expect(run).toEqual({ status: 0, stdout: 'users 2\n', stderr: '' });
  }, 60_000);

  test('a CommonJS project: the registry is required, and createKustoDb({ registry }) takes it', async () => {
    const project = await generatedProject('commonjs');
    expect(fs.readFileSync(path.join(project, 'src/kusto-registry.js'), 'utf8')).toContain("const { defineRegistry, registerDatabases } = require('@kusto/db');");
    const run = runElsewhere(
      project,
      'check.cjs',
      "const { registry } = require('./kusto-registry.js');\nconst { createKustoDb } = require('@kusto/db');\nconst db = createKustoDb({ registry });\ndb.getClient('user').then(async (client) => { console.log('users', await client.user.count()); await db.disconnectAll(); });\n",
    );
    expect(run).toEqual({ status: 0, stdout: 'users 2\n', stderr: '' });
  }, 60_000);

  test('without the database folders and without a registry, the same app fails: what the registry is for', () => {
    const project = projects[0]!;
    const run = runElsewhere(project, 'no-registry.mjs', "import { kusto } from '@kusto/db';\nawait kusto.db.getClient('user').catch((error) => console.log(error.code));\n");
    expect(run.stdout).toBe('ROOT_NOT_FOUND\n');
  });

  test('a package the registry would import that the project cannot: not written, and the fix named', async () => {
    // Nothing here installs SQL Server's adapter.
    const project = await createProject('registry-missing', { shop: { 'schema.prisma': schemaFor('sqlserver', USER_MODELS) } });
    projects.push(project);
    const { io, err } = capture();
    expect(await runCli(['generate', '-a'], { cwd: project, env, io })).toBe(1);
    expect(err.join('\n')).toContain(
      'The database registry was not written: it imports @prisma/adapter-mssql, which src/kusto-registry.js cannot import. Add it to your dependencies (e.g. pnpm add @prisma/adapter-mssql), or pass --no-registry.',
    );
    expect(fs.existsSync(path.join(project, 'src/kusto-registry.js'))).toBe(false);
    const again = capture();
    expect(await runCli(['generate', '-a', '--no-registry'], { cwd: project, env, io: again.io })).toBe(0);
    expect(again.out.join('\n')).not.toContain('kusto-registry');
  }, 60_000);
});
