import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { GENERATE_STAMP_FILE } from '../prisma/generate-stamp.js';
import { runCli } from '../cli.js';
import { capture, createProject, EVENT_MODELS, removeProject, schemaFor, USER_MODELS } from '../test-support/project.js';
import type { DatabaseListing } from './list.js';

let project: string;
const env = { RDS_USER_URL: 'postgresql://app:hunter2@db.example:5432/user' };

beforeAll(async () => {
  project = await createProject('list', {
    user: {
      'schema.prisma': schemaFor('postgresql', USER_MODELS),
      'seed.ts': '',
      'migrations/20250101000000_init/migration.sql': 'CREATE TABLE x ();',
      'migrations/20250102000000_more/migration.sql': 'CREATE TABLE y ();',
      'migrations/migration_lock.toml': '',
      'client/index.js': '',
    },
    analyticsEvents: { 'schema.prisma': schemaFor('mysql', EVENT_MODELS) },
    'bad name': { 'schema.prisma': schemaFor('postgresql', USER_MODELS) },
    docs: { 'README.md': '' },
  });
});
afterAll(() => removeProject(project));

test('list --json: provider, variable set or missing, redacted target, client, migrations, seed, skipped folders', async () => {
  const { io, out } = capture();
  expect(await runCli(['list', '--json'], { cwd: project, env, io })).toBe(0);
  const report = JSON.parse(out.join('\n')) as { databases: DatabaseListing[]; skipped: { name: string; reason: string }[] };
  expect(report.databases).toEqual([
    {
      name: 'analyticsEvents',
      provider: 'mysql',
      envVar: 'RDS_ANALYTICS_EVENTS_URL',
      envSet: false,
      target: null,
      pooled: false,
      direct: { envVar: 'RDS_ANALYTICS_EVENTS_DIRECT_URL', envSet: false, target: null },
      sessionVia: null,
      clientGenerated: false,
      clientStale: false,
      migrations: 0,
      seed: false,
      legacyUrlEnv: null,
    },
    {
      name: 'user',
      provider: 'postgresql',
      envVar: 'RDS_USER_URL',
      envSet: true,
      target: 'postgresql://db.example:5432/user',
      pooled: false,
      direct: { envVar: 'RDS_USER_DIRECT_URL', envSet: false, target: null },
      sessionVia: 'RDS_USER_URL',
      clientGenerated: true,
      clientStale: false,
      migrations: 2,
      seed: true,
      legacyUrlEnv: null,
    },
  ]);
  expect(report.skipped).toEqual([
    { name: 'bad name', dir: path.join(project, 'src/app/db/bad name'), reason: expect.stringMatching(/cannot be a database name/) },
    { name: 'docs', dir: path.join(project, 'src/app/db/docs'), reason: 'no schema.prisma' },
  ]);
  expect(out.join('\n')).not.toContain('hunter2');
});

test('list prints a table and the skipped folders with their reason, never the password', async () => {
  const { io, out } = capture();
  expect(await runCli(['list'], { cwd: project, env, io })).toBe(0);
  const text = out.join('\n');
  expect(out[1]).toMatch(/^name\s+provider\s+env var\s+target\s+migrate via\s+client\s+migrations\s+seed$/);
  expect(text).toMatch(/user\s+postgresql\s+RDS_USER_URL \(set\)\s+postgresql:\/\/db\.example:5432\/user\s+RDS_USER_URL\s+yes\s+2\s+yes/);
  expect(text).toMatch(/analyticsEvents\s+mysql\s+RDS_ANALYTICS_EVENTS_URL \(missing\)\s+-\s+-\s+no\s+0\s+no/);
  expect(text).toMatch(/skipped docs: no schema\.prisma/);
  expect(text).not.toContain('hunter2');
});

test('list -d shows one database', async () => {
  const { io, out } = capture();
  expect(await runCli(['list', '-d', 'user', '--json'], { cwd: project, env, io })).toBe(0);
  expect((JSON.parse(out.join('\n')) as { databases: DatabaseListing[] }).databases.map((d) => d.name)).toEqual(['user']);
});

test('debug reports versions, profile, root and per-database checks, URLs redacted', async () => {
  const { io, out } = capture();
  expect(await runCli(['debug', '--json'], { cwd: project, env: { ...env, NODE_ENV: 'production' }, io })).toBe(0);
  const report = JSON.parse(out.join('\n')) as Record<string, unknown> & { databases: { name: string; checks: { rule: string; ok: boolean }[] }[] };
  expect(report).toMatchObject({
    node: process.version,
    profile: {
      checks: { name: 'serverless', reason: 'NODE_ENV=production' },
      pool: { name: 'traditional', reason: 'NODE_ENV=production, but no function platform variable: a long-lived process' },
    },
    projectDir: project,
    root: path.join(project, 'src/app/db'),
  });
  expect((report.packages as Record<string, string>)['prisma']).toMatch(/^7\./);
  expect(report.databases.find((d) => d.name === 'analyticsEvents')!.checks.filter((c) => !c.ok).map((c) => c.rule)).toEqual(['env-var']);
  expect(out.join('\n')).not.toContain('hunter2');
});

test('list and debug show targets as scheme, host, port, database and parameter names: no password read as a path, no MySQL query values', async () => {
  const leaky = {
    RDS_USER_URL: 'postgresql://app:5432/LEAKpw@db.example:5432/user',
    RDS_ANALYTICS_EVENTS_URL: 'mysql://app:pw@db.example:3306/events?sslkey=LEAKkey&sslcert=LEAKcert',
  };
  const json = capture();
  expect(await runCli(['list', '--json'], { cwd: project, env: leaky, io: json.io })).toBe(0);
  const listed = (JSON.parse(json.out.join('\n')) as { databases: DatabaseListing[] }).databases;
  expect(listed.map((d) => [d.name, d.target])).toEqual([
    ['analyticsEvents', 'mysql://db.example:3306/events?sslkey&sslcert'],
    ['user', '<invalid url: percent-encode the password>'],
  ]);
  const outputs = [json];
  for (const args of [['list'], ['debug'], ['debug', '--json']]) {
    const run = capture();
    await runCli(args, { cwd: project, env: leaky, io: run.io, colors: false });
    outputs.push(run);
  }
  expect(outputs[2]!.out.join('\n')).toContain('RDS_ANALYTICS_EVENTS_URL set (mysql://db.example:3306/events?sslkey&sslcert)');
  expect(outputs[2]!.out.join('\n')).toContain('RDS_USER_URL set (<invalid url: percent-encode the password>)');
  for (const run of outputs) expect([...run.out, ...run.err].join('\n')).not.toMatch(/LEAK/);
});

test('list shows "stale" for a client generated from another schema than the folder’s now (the generate stamp says so)', async () => {
  const clientDir = path.join(project, 'src/app/db/user/client');
  const schemaPath = path.join(project, 'src/app/db/user/schema.prisma');
  const stampFile = path.join(clientDir, GENERATE_STAMP_FILE);
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  const listed = async () => {
    const json = capture();
    const table = capture();
    await runCli(['list', '-d', 'user', '--json'], { cwd: project, env, io: json.io });
    await runCli(['list', '-d', 'user'], { cwd: project, env, io: table.io, colors: false });
    const [user] = (JSON.parse(json.out.join('\n')) as { databases: DatabaseListing[] }).databases;
    return { stale: user!.clientStale, row: table.out.find((line) => line.startsWith('user '))! };
  };
  try {
    fs.writeFileSync(stampFile, JSON.stringify({ schemaSha256: sha(fs.readFileSync(schemaPath, 'utf8')) }));
    expect(await listed()).toMatchObject({ stale: false, row: expect.stringMatching(/\syes\s+2\s+yes$/) });
    fs.writeFileSync(stampFile, JSON.stringify({ schemaSha256: sha('an older schema') }));
    expect(await listed()).toMatchObject({ stale: true, row: expect.stringMatching(/\sstale\s+2\s+yes$/) });
  } finally {
    fs.rmSync(stampFile, { force: true });
  }
});

test('debug without a database root still reports the environment', async () => {
  const { io, out } = capture();
  expect(await runCli(['debug'], { cwd: project, env, io, colors: false })).toBe(0);
  const missing = capture();
  expect(await runCli(['debug', '--root', 'nowhere'], { cwd: project, env, io: missing.io })).toBe(0);
  expect(missing.out.join('\n')).toMatch(/root\s+The database root .*nowhere does not exist/);
  expect(out.join('\n')).toMatch(/checks\s+traditional \(no serverless platform variable/);
  expect(out.join('\n')).toMatch(/pool\s+traditional \(no function platform variable: a long-lived process\)/);
});

describe('behind a connection pooler', () => {
  const pooled = { RDS_USER_URL: 'postgresql://app:hunter2@bouncer.example:6432/user?pgbouncer=true' };
  const direct = { ...pooled, RDS_USER_DIRECT_URL: 'postgresql://app:direct-secret@db.example:5432/user' };

  test('list shows the pooler flag, the direct URL (redacted) and that migrations go through it', async () => {
    const json = capture();
    expect(await runCli(['list', '-d', 'user', '--json'], { cwd: project, env: direct, io: json.io })).toBe(0);
    const [user] = (JSON.parse(json.out.join('\n')) as { databases: DatabaseListing[] }).databases;
    expect(user).toMatchObject({
      pooled: true,
      direct: { envVar: 'RDS_USER_DIRECT_URL', envSet: true, target: 'postgresql://db.example:5432/user' },
      sessionVia: 'RDS_USER_DIRECT_URL',
    });
    const table = capture();
    expect(await runCli(['list', '-d', 'user'], { cwd: project, env: direct, io: table.io })).toBe(0);
    expect(table.out.join('\n')).toMatch(/RDS_USER_URL \(set, pgbouncer=true\)\s+\S+\s+RDS_USER_DIRECT_URL \(postgresql:\/\/db\.example:5432\/user\)/);
    expect(`${json.out.join('\n')}${table.out.join('\n')}`).not.toMatch(/hunter2|direct-secret/);
  });

  test('list and debug say migrations would refuse with the pooled URL alone, and which variable to set', async () => {
    const table = capture();
    expect(await runCli(['list', '-d', 'user'], { cwd: project, env: pooled, io: table.io })).toBe(0);
    expect(table.out.join('\n')).toMatch(/RDS_USER_URL \(set, pgbouncer=true\)\s+\S+\s+refused: set RDS_USER_DIRECT_URL/);
    const debug = capture();
    expect(await runCli(['debug'], { cwd: project, env: pooled, io: debug.io })).toBe(0);
    const text = debug.out.join('\n');
    expect(text).toMatch(/user: RDS_USER_URL set \(postgresql:\/\/bouncer\.example:6432\/user\?pgbouncer\) pgbouncer=true\n {2}direct: RDS_USER_DIRECT_URL not set\n {2}migrations connect nowhere/);
    const withDirect = capture();
    expect(await runCli(['debug'], { cwd: project, env: direct, io: withDirect.io })).toBe(0);
    expect(withDirect.out.join('\n')).toMatch(/ {2}direct: RDS_USER_DIRECT_URL set \(postgresql:\/\/db\.example:5432\/user\)\n {2}migrations connect via RDS_USER_DIRECT_URL/);
    expect(`${text}${withDirect.out.join('\n')}`).not.toMatch(/hunter2|direct-secret/);
  });
});
