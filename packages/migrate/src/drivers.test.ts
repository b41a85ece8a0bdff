import { afterAll, expect, test } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDriver } from './drivers.js';

// A kusto-db installed globally runs @kusto/migrate from its own folder; the driver must come from
// the project it works on first (its node_modules upwards from the database folder).

const project = fs.mkdtempSync(path.join(os.tmpdir(), 'kusto-drivers-'));
const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'kusto-drivers-none-'));
afterAll(() => {
  for (const dir of [project, elsewhere]) fs.rmSync(dir, { recursive: true, force: true });
});

function installFakePackage(dir: string, name: string, marker: string): void {
  const packageDir = path.join(dir, 'node_modules', name);
  fs.mkdirSync(packageDir, { recursive: true });
  fs.writeFileSync(path.join(packageDir, 'package.json'), JSON.stringify({ name, version: '8.99.0', main: 'index.js' }));
  fs.writeFileSync(path.join(packageDir, 'index.js'), `module.exports = { marker: ${JSON.stringify(marker)} };\n`);
}

test("the project's driver, found upwards from the database folder, comes before @kusto/migrate's own", async () => {
  installFakePackage(project, 'pg', 'project');
  const folder = path.join(project, 'src', 'app', 'db', 'user');
  fs.mkdirSync(folder, { recursive: true });
  expect((await loadDriver<{ marker?: string }>('pg', 'postgresql', [folder])).marker).toBe('project');
});

test('then the folders the caller adds, in order; then @kusto/migrate\'s own', async () => {
  const empty = elsewhere;
  const tool = path.join(elsewhere, 'tool');
  installFakePackage(tool, 'pg-cursor', 'tool');
  expect((await loadDriver<{ marker?: string }>('pg-cursor', 'postgresql', [empty, path.join(tool, 'dist')])).marker).toBe('tool');
  const own = await loadDriver<{ Client?: unknown; marker?: string }>('pg', 'postgresql', [empty]);
  expect(own.marker).toBeUndefined();
  expect(typeof own.Client).toBe('function');
});
