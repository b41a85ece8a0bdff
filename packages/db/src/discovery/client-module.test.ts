import { afterEach, beforeEach, expect, test } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clientImportSpecifier, clientModule, clientModuleProblem } from './client-module.js';
import { parseSchema } from './schema-file.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kusto-client-module-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function folder(generator: string) {
  const schema = parseSchema(`generator client {\n${generator}\n}\ndatasource db {\n  provider = "postgresql"\n}\n`);
  return { clientDir: path.join(dir, 'src/app/db/user', schema.generatorOutput ?? 'client'), schema };
}

function write(file: string, text = ''): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

const typesFile = () => path.join(dir, 'src/kusto-databases.d.ts');

test('prisma-client-js: the CommonJS index.js in its output', () => {
  const user = folder('provider = "prisma-client-js"\noutput = "client"');
  expect(clientModule(user)).toEqual({
    generator: 'prisma-client-js',
    file: path.join(user.clientDir, 'index.js'),
    generated: false,
    language: 'javascript',
    importExtension: '.js',
  });
  write(path.join(user.clientDir, 'index.js'));
  expect(clientModule(user).generated).toBe(true);
  expect(clientImportSpecifier(typesFile(), user)).toBe('./app/db/user/client/index.js');
});

test('prisma-client: the generated client.ts, imported with the extension its own modules use', () => {
  const user = folder('provider = "prisma-client"\noutput = "generated"');
  expect(clientModule(user)).toMatchObject({ generator: 'prisma-client', file: path.join(user.clientDir, 'client.ts'), generated: false, language: 'typescript' });
  // Before generation nothing says otherwise: `.js`, which tsc resolves to client.ts in every mode.
  expect(clientImportSpecifier(typesFile(), user)).toBe('./app/db/user/generated/client.js');
  write(path.join(user.clientDir, 'client.ts'), 'import * as $Class from "./internal/class.ts"\n');
  expect(clientModule(user)).toMatchObject({ generated: true, importExtension: '.ts' });
  expect(clientImportSpecifier(typesFile(), user)).toBe('./app/db/user/generated/client.ts');
  write(path.join(user.clientDir, 'client.ts'), 'import * as $Class from "./internal/class"\n');
  expect(clientImportSpecifier(typesFile(), user)).toBe('./app/db/user/generated/client');
});

test('prisma-client: its compiled client.js is preferred once it sits beside the source (the runtime loads JavaScript)', () => {
  const user = folder('provider = "prisma-client"\noutput = "client"');
  write(path.join(user.clientDir, 'client.ts'), 'import * as $Class from "./internal/class.js"\n');
  write(path.join(user.clientDir, 'client.js'));
  expect(clientModule(user)).toEqual({
    generator: 'prisma-client',
    file: path.join(user.clientDir, 'client.js'),
    generated: true,
    language: 'javascript',
    importExtension: '.js',
  });
});

test('prisma-client: generatedFileExtension and importFileExtension from the schema decide the entry and the specifier', () => {
  const user = folder('provider = "prisma-client"\noutput = "client"\ngeneratedFileExtension = "mts"\nimportFileExtension = "mjs"');
  expect(clientModule(user)).toMatchObject({ file: path.join(user.clientDir, 'client.mts'), importExtension: '.mjs' });
  expect(clientImportSpecifier(typesFile(), user)).toBe('./app/db/user/client/client.mjs');
  write(path.join(user.clientDir, 'client.mjs'));
  expect(clientModule(user)).toMatchObject({ file: path.join(user.clientDir, 'client.mjs'), language: 'javascript', generated: true });
  const bundler = folder('provider = "prisma-client"\noutput = "client"\nimportFileExtension = ""');
  expect(clientImportSpecifier(typesFile(), bundler)).toBe('./app/db/user/client/client');
});

test('what no runtime can load is a problem with its fix; any output path is fine', () => {
  expect(clientModuleProblem(folder('provider = "prisma-client"\noutput = "generated"'))).toBeUndefined();
  expect(clientModuleProblem(folder('provider = "prisma-client-js"\noutput = "../shared/client"'))).toBeUndefined();
  expect(clientModuleProblem(folder('provider = "prisma-client-js"'))).toMatch(/the prisma-client-js generator has no output; add output = "client"/);
  expect(clientModuleProblem(folder('provider = "prisma-kysely"\noutput = "client"'))).toMatch(
    /generator provider "prisma-kysely" makes no client @kusto\/db can load; use provider = "prisma-client-js" or "prisma-client"/,
  );
  expect(clientModuleProblem({ schema: parseSchema('datasource db {\n  provider = "sqlite"\n}') })).toMatch(/the schema has no generator/);
});
