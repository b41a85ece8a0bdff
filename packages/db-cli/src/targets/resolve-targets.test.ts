import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { InvalidDatabaseNameError, UnknownDatabaseError } from '@kusto/db';
import { CliError } from '../errors.js';
import type { GlobalArgs } from '../global-options.js';
import { createProject, removeProject, schemaFor, USER_MODELS } from '../test-support/project.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../cli.js';
import { capture } from '../test-support/project.js';
import { findProjectDir, resolveTargets } from './resolve-targets.js';

let project: string;
const args = (overrides: Partial<GlobalArgs>): GlobalArgs => ({ database: undefined, all: false, root: undefined, cwd: undefined, ...overrides });
const names = (overrides: Partial<GlobalArgs>, policy: 'all-by-default' | 'one-required' = 'all-by-default') =>
  resolveTargets(args(overrides), policy, { cwd: project }, 'test').databases.map((folder) => folder.name);

beforeAll(async () => {
  project = await createProject('targets', {
    user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS) },
    'read-replica': { 'schema.prisma': schemaFor('postgresql', USER_MODELS) },
  });
});
afterAll(() => removeProject(project));

test('read-only commands: all by default, all with -a, one with -d', () => {
  expect(names({})).toEqual(['read-replica', 'user']);
  expect(names({ all: true })).toEqual(['read-replica', 'user']);
  expect(names({ database: 'read-replica' })).toEqual(['read-replica']);
});

test('destructive commands need -d and refuse -a', () => {
  expect(names({ database: 'user' }, 'one-required')).toEqual(['user']);
  expect(() => names({}, 'one-required')).toThrow(CliError);
  expect(() => names({ all: true }, 'one-required')).toThrow(/-a is not accepted here/);
});

test('--cwd and --root choose where databases are looked for', () => {
  expect(resolveTargets(args({ cwd: project }), 'all-by-default', { cwd: '/' }, 'test').projectDir).toBe(project);
  expect(() => names({ root: 'elsewhere' })).toThrow(/The database root .*elsewhere does not exist\. Create a database with kusto-db init <name>, or point --root/);
});

test('bad names are rejected before the file system is read; unknown ones list the known', () => {
  expect(() => names({ database: '../user' })).toThrow(InvalidDatabaseNameError);
  expect(() => names({ database: 'usr' })).toThrow(UnknownDatabaseError);
  expect(() => names({ database: 'usr' })).toThrow(/Known databases: read-replica, user/);
  expect(() => names({ database: ['a', 'b'] as unknown as string })).toThrow(/Pass -d once/);
});

test('from a subfolder of the project, the project is the nearest folder upwards with a package.json', async () => {
  const sub = path.join(project, 'src', 'deeper');
  fs.mkdirSync(sub, { recursive: true });
  expect(resolveTargets(args({}), 'all-by-default', { cwd: sub }, 'test').projectDir).toBe(project);
  expect(resolveTargets(args({}), 'all-by-default', { cwd: sub }, 'test').databases.map((folder) => folder.name)).toEqual(['read-replica', 'user']);
  // --cwd, and --root (relative to the current directory), still mean what they say.
  expect(resolveTargets(args({ cwd: '.', root: '../app/db' }), 'all-by-default', { cwd: sub }, 'test').projectDir).toBe(sub);
  expect(resolveTargets(args({ root: '../app/db' }), 'all-by-default', { cwd: sub }, 'test').databases).toHaveLength(2);
  const output = capture();
  expect(await runCli(['list'], { cwd: sub, env: { PATH: process.env.PATH }, io: output.io })).toBe(0);
  expect(output.out[0]).toBe(`Databases under ${path.join(project, 'src', 'app', 'db')}:`);
});

test('the walk up stops at a .git folder or the file system root: the current directory then', () => {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'kusto-walk-'));
  try {
    const inner = path.join(top, 'repo', 'a', 'b');
    fs.mkdirSync(inner, { recursive: true });
    fs.mkdirSync(path.join(top, 'repo', '.git'));
    fs.writeFileSync(path.join(top, 'package.json'), '{}');
    expect(findProjectDir(inner)).toBe(inner);
    fs.writeFileSync(path.join(top, 'repo', 'package.json'), '{}');
    expect(findProjectDir(inner)).toBe(path.join(top, 'repo'));
  } finally {
    fs.rmSync(top, { recursive: true, force: true });
  }
});

describe('a folder holding the database root is the project, package.json or not', () => {
  let inner: string;
  beforeAll(() => {
    // A project of its own (no package.json) inside the fixture project, as bench/.fixtures/<hash> is inside bench/.
    inner = path.join(project, 'tools', 'sandbox');
    const own = path.join(inner, 'src', 'app', 'db', 'own');
    fs.mkdirSync(own, { recursive: true });
    fs.writeFileSync(path.join(own, 'schema.prisma'), schemaFor('postgresql', USER_MODELS));
  });

  test('list in it lists its own databases, not the parent project\'s, and says where it looked first', async () => {
    expect(findProjectDir(inner)).toBe(inner);
    expect(findProjectDir(path.join(inner, 'src', 'app'))).toBe(inner);
    const output = capture();
    expect(await runCli(['list', '--json'], { cwd: inner, env: { PATH: process.env.PATH }, io: output.io })).toBe(0);
    expect((JSON.parse(output.out.join('\n')) as { databases: { name: string }[] }).databases.map((database) => database.name)).toEqual(['own']);
    expect(output.firstErr()).toBe(`Databases under ${path.join(inner, 'src', 'app', 'db')}`);
  });

  test('every command\'s first line names the root; a destructive one names it before the first code', async () => {
    const events: string[] = [];
    const io = { out: (line: string) => void events.push(`out ${line}`), err: (line: string) => void events.push(`err ${line}`) };
    const prompt = (question: { message: string }) => {
      events.push(`prompt ${question.message}`);
      return Promise.resolve('WRONG');
    };
    const env = { PATH: process.env.PATH, RDS_OWN_URL: 'postgresql://app:pw@127.0.0.1:1/own' };
    const code = await runCli(['execute', '-d', 'own', '--write', '-q', 'SELECT 1'], { cwd: inner, env, io, interactive: true, prompt });
    expect(code).toBe(130);
    expect(events[0]).toBe(`err Databases under ${path.join(inner, 'src', 'app', 'db')}`);
    expect(events.findIndex((event) => event.startsWith('prompt '))).toBeGreaterThan(0);
    for (const argv of [['status'], ['validate', '--no-env'], ['debug'], ['upgrade-schema'], ['seed']]) {
      const output = capture();
      await runCli(argv, { cwd: inner, env, io: output.io });
      expect([argv[0], output.firstErr()]).toEqual([argv[0], `Databases under ${path.join(inner, 'src', 'app', 'db')}`]);
    }
  });
});
