import { afterEach, beforeEach, expect, test } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RootNotFoundError } from '../errors.js';
import { discoverDatabases, resolveRoot } from './discover.js';

let project: string;

function write(file: string, content = '') {
  const full = path.join(project, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, content);
}

const schema = (provider: string, extra = '') =>
  `generator client {\n provider = "prisma-client-js"\n output = "client"\n}\ndatasource db {\n provider = "${provider}"\n${extra}}\n`;

beforeEach(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'kusto-discover-'));
});

afterEach(() => {
  fs.rmSync(project, { recursive: true, force: true });
});

test('every subfolder with a schema.prisma is a database; others are skipped with a reason', () => {
  write('src/app/db/user/schema.prisma', schema('postgresql'));
  write('src/app/db/user/seed.ts', '');
  write('src/app/db/user/prisma.config.ts', '');
  write('src/app/db/analyticsEvents/schema.prisma', schema('postgresql', ' url = env("ANALYTICS")\n'));
  write('src/app/db/notes/readme.md', '');
  write('src/app/db/9lives/schema.prisma', schema('sqlite'));
  write('src/app/db/stray-file.txt', '');

  const discovery = discoverDatabases({ cwd: project });
  expect(discovery.root).toBe(path.join(project, 'src/app/db'));
  expect([...discovery.databases.keys()]).toEqual(['analyticsEvents', 'user']);

  const user = discovery.databases.get('user')!;
  expect(user.schema.provider).toBe('postgresql');
  expect(user.clientDir).toBe(path.join(project, 'src/app/db/user/client'));
  expect(user.seedPath).toBe(path.join(project, 'src/app/db/user/seed.ts'));
  expect(user.prismaConfigPath).toBe(path.join(project, 'src/app/db/user/prisma.config.ts'));
  expect(discovery.databases.get('analyticsEvents')!.schema.urlEnv).toBe('ANALYTICS');
  expect(discovery.databases.get('analyticsEvents')!.seedPath).toBeUndefined();
  expect(user.configUrlEnv).toBeUndefined();

  expect(discovery.skipped.map(({ name, reason }) => [name, reason])).toEqual([
    ['9lives', expect.stringMatching(/must start with a letter/)],
    ['notes', 'no schema.prisma'],
  ]);
});

test('auto layout falls back to the built dist/ tree when src/ is absent; an explicit layout wins', () => {
  write('dist/app/db/user/schema.prisma', schema('postgresql'));
  expect(resolveRoot({ cwd: project })).toBe(path.join(project, 'dist/app/db'));
  expect(resolveRoot({ cwd: project, layout: 'src' })).toBe(path.join(project, 'src/app/db'));
  write('src/app/db/user/schema.prisma', schema('postgresql'));
  expect(resolveRoot({ cwd: project })).toBe(path.join(project, 'src/app/db'));
  expect(resolveRoot({ cwd: project, layout: 'dist' })).toBe(path.join(project, 'dist/app/db'));
  expect([...discoverDatabases({ cwd: project, layout: 'dist' }).databases.keys()]).toEqual(['user']);
});

test('works from any cwd with an absolute root', () => {
  write('elsewhere/dbs/main/schema.prisma', schema('postgresql'));
  const discovery = discoverDatabases({ root: path.join(project, 'elsewhere/dbs'), cwd: os.tmpdir() });
  expect([...discovery.databases.keys()]).toEqual(['main']);
});

test('a missing root is a clear error naming the folder', () => {
  expect(() => discoverDatabases({ cwd: project })).toThrow(RootNotFoundError);
  expect(() => discoverDatabases({ cwd: project })).toThrow(`${path.join(project, 'src/app/db')} does not exist`);
});

test('the variable a prisma.config file reads its URL from is found in each spelling', () => {
  write('src/app/db/viaenv/schema.prisma', schema('postgresql'));
  write('src/app/db/viaenv/prisma.config.ts', "import { defineConfig, env } from 'prisma/config';\nexport default defineConfig({ datasource: { url: env('DATABASE_URL') } });\n");
  write('src/app/db/viaprocess/schema.prisma', schema('postgresql'));
  write('src/app/db/viaprocess/prisma.config.ts', 'export default { datasource: { url: process.env.MAIN_DB } };\n');
  write('src/app/db/viaindex/schema.prisma', schema('postgresql'));
  write('src/app/db/viaindex/prisma.config.ts', 'export default { datasource: { url: process.env["OTHER_DB"] } };\n');
  const { databases } = discoverDatabases({ cwd: project });
  expect(databases.get('viaenv')!.configUrlEnv).toBe('DATABASE_URL');
  expect(databases.get('viaprocess')!.configUrlEnv).toBe('MAIN_DB');
  expect(databases.get('viaindex')!.configUrlEnv).toBe('OTHER_DB');
});
