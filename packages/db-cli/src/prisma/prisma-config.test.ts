import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { discoverDatabases } from '@kusto/db';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createProject, removeProject, schemaFor, USER_MODELS } from '../test-support/project.js';
import { preparePrismaConfig, renderSynthesizedConfig, SYNTHESIZED_CONFIG_FILE } from './prisma-config.js';

let project: string;
const folders = () => discoverDatabases({ cwd: project }).databases;

beforeAll(async () => {
  project = await createProject('config', {
    user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS) },
    own: { 'schema.prisma': schemaFor('postgresql', USER_MODELS), 'prisma.config.ts': 'export default {};\n' },
  });
});
afterAll(() => removeProject(project));

test("a folder's own prisma.config.ts is used as it is and never removed", async () => {
  const config = await preparePrismaConfig(folders().get('own')!, 'RDS_OWN_URL');
  expect(config).toMatchObject({ path: path.join(project, 'src/app/db/own/prisma.config.ts'), synthesized: false });
  await config.dispose();
  expect(fs.existsSync(config.path)).toBe(true);
});

test('a synthesised config lives in a private temp dir (700), names the variable, never holds the URL, and is removed', async () => {
  const secret = 'postgresql://app:hunter2@db:5432/user';
  process.env.RDS_USER_URL_CONFIG_TEST = secret;
  try {
    const config = await preparePrismaConfig(folders().get('user')!, 'RDS_USER_URL_CONFIG_TEST');
    const dir = path.dirname(config.path);
    expect(path.basename(config.path)).toBe(SYNTHESIZED_CONFIG_FILE);
    expect(dir.startsWith(os.tmpdir())).toBe(true);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const text = fs.readFileSync(config.path, 'utf8');
    expect(text).toContain('process.env["RDS_USER_URL_CONFIG_TEST"]');
    expect(text).not.toContain('hunter2');
    await config.dispose();
    expect(fs.existsSync(dir)).toBe(false);
  } finally {
    delete process.env.RDS_USER_URL_CONFIG_TEST;
  }
});

test('the synthesised config is a Prisma 7 config with absolute schema and migrations paths', async () => {
  const folder = folders().get('user')!;
  const text = renderSynthesizedConfig(folder, 'RDS_USER_URL');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kusto-db-render-'));
  try {
    const file = path.join(dir, 'c.mjs');
    fs.writeFileSync(file, text);
    const { default: config } = (await import(file)) as { default: { schema: string; migrations: { path: string }; datasource: { url?: string } } };
    expect(config.schema).toBe(folder.schemaPath);
    expect(config.migrations.path).toBe(folder.migrationsDir);
    expect(Object.keys(config.datasource)).toEqual(['url']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
