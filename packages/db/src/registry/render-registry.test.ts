import { describe, expect, test } from '@jest/globals';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseFolder } from '../discovery/discover.js';
import { parseSchema } from '../discovery/schema-file.js';
import { registryFormatFor, registryPackages, renderDatabaseRegistry } from './render-registry.js';

const project = path.join(path.sep, 'app');
const root = path.join(project, 'src', 'app', 'db');

function folder(name: string, provider: string, extra: Partial<DatabaseFolder> = {}): DatabaseFolder {
  const dir = path.join(root, name);
  return {
    name,
    dir,
    schemaPath: path.join(dir, 'schema.prisma'),
    schema: parseSchema(`datasource db {\n  provider = "${provider}"\n}\ngenerator client {\n  provider = "prisma-client-js"\n  output = "client"\n}\n`),
    clientDir: path.join(dir, 'client'),
    migrationsDir: path.join(dir, 'migrations'),
    seedPath: undefined,
    prismaConfigPath: undefined,
    configUrlEnv: undefined,
    ...extra,
  };
}

const folders = [folder('user', 'postgresql'), folder('read-replica', 'postgresql', { configUrlEnv: 'REPLICA_URL' }), folder('cache', 'sqlite'), folder('shop', 'mysql')];
const outFile = path.join(project, 'src', 'kusto-registry.ts');

describe('registryPackages', () => {
  test('each adapter and driver the providers load, once', () => {
    expect(registryPackages(folders)).toEqual(['@prisma/adapter-better-sqlite3', '@prisma/adapter-mariadb', '@prisma/adapter-pg', 'better-sqlite3', 'mariadb', 'pg']);
  });

  test('an unknown provider adds nothing (the runtime names it when used)', () => {
    expect(registryPackages([folder('x', 'mongodb')])).toEqual([]);
  });
});

describe('renderDatabaseRegistry', () => {
  test('TypeScript: static imports, folder facts relative to the project, registration and the typed map', () => {
    const text = renderDatabaseRegistry(folders, { outFile, projectDir: project, root, format: 'ts' });
    expect(text).toContain('import * as adapterPg2 from "@prisma/adapter-pg";');
    expect(text).toContain('import * as pg5 from "pg";');
    expect(text).toContain('import { PrismaClient as readReplica1Client } from "./app/db/read-replica/client/index.js";');
    expect(text).toContain('"dir": "src/app/db/read-replica"');
    expect(text).toContain('"configUrlEnv": "REPLICA_URL"');
    // A required `string | undefined` field stays present, so the object type-checks as SchemaInfo.
    expect(text).toContain('"urlEnv": undefined');
    expect(text).toContain('root: "src/app/db"');
    expect(text).toContain('registerDatabases(registry);');
    expect(text).toMatch(/declare module '@kusto\/db' \{\n {2}interface KustoDatabases \{\n {4}"cache": cache0Client;/);
    expect(text).not.toContain('require(');
  });

  test('an ES module has the imports and no TypeScript', () => {
    const text = renderDatabaseRegistry(folders, { outFile: outFile.replace(/\.ts$/, '.mjs'), projectDir: project, root, format: 'esm' });
    expect(text).toContain("import { defineRegistry, registerDatabases } from '@kusto/db';");
    expect(text).not.toContain('declare module');
    expect(text).not.toContain('@ts-ignore');
  });

  test('CommonJS requires everything and exports the registry', () => {
    const text = renderDatabaseRegistry(folders, { outFile: outFile.replace(/\.ts$/, '.cjs'), projectDir: project, root, format: 'cjs' });
    expect(text).toContain("const { defineRegistry, registerDatabases } = require('@kusto/db');");
    expect(text).toContain('const { PrismaClient: user3Client } = require("./app/db/user/client/index.js");');
    expect(text).toContain('module.exports = { registry };');
    expect(text).not.toMatch(/^import /m);
  });
});

describe('registryFormatFor', () => {
  test('the extension decides; .js follows the project\'s "type"', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kusto-registry-format-'));
    try {
      expect(await registryFormatFor(path.join(dir, 'r.ts'), dir)).toBe('ts');
      expect(await registryFormatFor(path.join(dir, 'r.cjs'), dir)).toBe('cjs');
      expect(await registryFormatFor(path.join(dir, 'r.mjs'), dir)).toBe('esm');
      expect(await registryFormatFor(path.join(dir, 'r.js'), dir)).toBe('cjs');
      await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
      expect(await registryFormatFor(path.join(dir, 'r.js'), dir)).toBe('esm');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
