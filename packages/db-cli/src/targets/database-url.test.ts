import { afterAll, expect, test } from '@jest/globals';
import { configUrlEnv, parseSchema, type DatabaseFolder } from '@kusto/db';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requireUrl, urlEnvVarOf, urlStateOf } from './database-url.js';

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function folder(name: string, schema: string, config?: string): DatabaseFolder {
  let prismaConfigPath: string | undefined;
  if (config !== undefined) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kusto-db-url-'));
    tempDirs.push(dir);
    prismaConfigPath = path.join(dir, 'prisma.config.ts');
    fs.writeFileSync(prismaConfigPath, config);
  }
  // As discovery builds it: the config's URL variable is read when the folder is discovered.
  return { name, schema: parseSchema(schema), prismaConfigPath, configUrlEnv: config === undefined ? undefined : configUrlEnv(config) } as DatabaseFolder;
}

const PRISMA7 = 'datasource db {\n  provider = "postgresql"\n}\n';

test('the conventional variable by default: RDS_<NAME>_URL', () => {
  expect(urlEnvVarOf(folder('analyticsEvents', PRISMA7))).toBe('RDS_ANALYTICS_EVENTS_URL');
  expect(urlEnvVarOf(folder('read-replica', PRISMA7))).toBe('RDS_READ_REPLICA_URL');
});

test('a Prisma 6 style url = env("X") in the schema names X', () => {
  expect(urlEnvVarOf(folder('user', 'datasource db {\n  provider = "postgresql"\n  url = env("LEGACY_URL")\n}\n'))).toBe('LEGACY_URL');
});

test("the variable the folder's prisma.config.ts gives as url, in each way it can be written", () => {
  for (const url of ["env('A_URL')", 'env("A_URL")', 'process.env.A_URL', "process.env['A_URL']", 'process.env["A_URL"]']) {
    const config = `const mode = process.env.NODE_ENV;\nexport default { datasource: { url: ${url} } };\n`;
    expect(urlEnvVarOf(folder('user', PRISMA7, config))).toBe('A_URL');
  }
  expect(urlEnvVarOf(folder('user', PRISMA7, 'export default {};\n'))).toBe('RDS_USER_URL');
});

test('an empty variable counts as missing; requireUrl says which variable to set', () => {
  const user = folder('user', PRISMA7);
  expect(urlStateOf(user, { RDS_USER_URL: '' })).toEqual({ envVar: 'RDS_USER_URL', url: undefined });
  expect(urlStateOf(user, { RDS_USER_URL: 'postgresql://h/db' }).url).toBe('postgresql://h/db');
  expect(() => requireUrl(user, {})).toThrow(/set the environment variable RDS_USER_URL/);
});
