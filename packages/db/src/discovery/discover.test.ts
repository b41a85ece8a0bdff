import { afterEach, beforeEach, expect, test } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RootNotFoundError } from '../errors.js';
import { resolveUrlSource } from '../config.js';
import { discoverDatabases, folderUrlVariable, resolveRoot } from './discover.js';

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

test('folders whose URL would come from one variable are skipped, each naming the other: neither is used', () => {
  write('src/app/db/shopX/schema.prisma', schema('postgresql'));
  write('src/app/db/shop_x/schema.prisma', schema('postgresql'));
  write('src/app/db/shop/schema.prisma', schema('postgresql'));
  // Two config files reading one variable collide too; a config with a variable of its own does not.
  write('src/app/db/alpha/schema.prisma', schema('postgresql'));
  write('src/app/db/alpha/prisma.config.ts', "export default { datasource: { url: env('SHARED_URL') } };");
  write('src/app/db/beta/schema.prisma', schema('postgresql'));
  write('src/app/db/beta/prisma.config.ts', "export default { datasource: { url: process.env.SHARED_URL } };");
  write('src/app/db/gamma/schema.prisma', schema('postgresql'));
  write('src/app/db/gamma/prisma.config.ts', "export default { datasource: { url: env('GAMMA_URL') } };");
  const discovery = discoverDatabases({ cwd: project });
  expect([...discovery.databases.keys()]).toEqual(['gamma', 'shop']);
  expect(discovery.skipped.map((folder) => folder.name)).toEqual(['alpha', 'beta', 'shopX', 'shop_x']);
  expect(discovery.skipped.find((folder) => folder.name === 'shopX')!.reason).toMatch(/RDS_SHOP_X_URL is also the one of "shop_x".*rename one of the folders/);
  expect(discovery.skipped.find((folder) => folder.name === 'alpha')!.reason).toMatch(/SHARED_URL is also the one of "beta"/);
});

test('two schemas that both read env("DATABASE_URL") (Prisma 6 scaffolds) collide: the guard keys on the variable actually read', () => {
  write('src/app/db/shop/schema.prisma', schema('postgresql', ' url = env("DATABASE_URL")\n'));
  write('src/app/db/user/schema.prisma', schema('postgresql', ' url = env("DATABASE_URL")\n'));
  // The legacy schema variable wins over the config's, as in URL resolution.
  write('src/app/db/user/prisma.config.ts', "export default { datasource: { url: env('USER_URL') } };");
  write('src/app/db/cache/schema.prisma', schema('postgresql', ' url = env("CACHE_URL")\n'));
  const discovery = discoverDatabases({ cwd: project });
  expect([...discovery.databases.keys()]).toEqual(['cache']);
  expect(discovery.skipped.map((folder) => folder.name)).toEqual(['shop', 'user']);
  expect(discovery.skipped.find((folder) => folder.name === 'shop')!.reason).toMatch(/DATABASE_URL is also the one of "user"/);
  const cache = discovery.databases.get('cache')!;
  expect(folderUrlVariable(cache)).toBe(resolveUrlSource(cache, undefined, {}).envVar);
});

test('asking the manager for such a folder says why it is not a database', async () => {
  write('src/app/db/shopX/schema.prisma', schema('postgresql'));
  write('src/app/db/shop_x/schema.prisma', schema('postgresql'));
  const { createKustoDb } = await import('../manager.js');
  const m = createKustoDb({ cwd: project, env: {} });
  expect(() => m.getClientSync('shopX')).toThrow(/Unknown database "shopX"\. Its folder is not used as a database: its URL variable RDS_SHOP_X_URL is also the one of "shop_x"/);
});
