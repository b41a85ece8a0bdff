import { afterEach, beforeEach, expect, test } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseSchema } from '../discovery/schema-file.js';
import { ClientNotGeneratedError, ClientNotLoadableError } from '../errors.js';
import { loadPrismaClient, typeScriptClientProblem } from './prisma-client.js';

// Generated entries stand-ins: each exports a PrismaClient class the way its generator's output does.
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kusto-load-client-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function folder(generator: string, files: Record<string, string>) {
  const schema = parseSchema(`generator client {\n${generator}\n}\n`);
  const clientDir = path.join(dir, schema.generatorOutput ?? 'client');
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(clientDir, file)), { recursive: true });
    fs.writeFileSync(path.join(clientDir, file), text);
  }
  return { clientDir, schema };
}

const noTypeStripping = { typescript: false } as const;

test('prisma-client-js: index.js (CommonJS)', () => {
  const user = folder('provider = "prisma-client-js"\noutput = "client"', { 'index.js': 'exports.PrismaClient = class PrismaClient { kind = "js" };' });
  expect(new (loadPrismaClient('user', user) as unknown as new () => { kind: string })().kind).toBe('js');
});

// ESM output loads through Node's require(esm), which Jest's module system lacks on Node 20: the
// spawned app of db-cli's prisma-client-generator.int.test.ts loads a compiled ESM client for real.
test.each([['CommonJS', 'cjs', 'exports.PrismaClient = class PrismaClient { kind = "cjs" };\n']])(
  'prisma-client compiled to JavaScript (%s) loads from any output folder',
  (_label, format, text) => {
  const user = folder(`provider = "prisma-client"\noutput = "generated"\nmoduleFormat = "${format}"`, {
    'client.ts': 'export class PrismaClient {}\n',
    'client.js': text,
    'package.json': JSON.stringify({ type: format === 'esm' ? 'module' : 'commonjs' }),
  });
  expect(new (loadPrismaClient('user', user, noTypeStripping) as unknown as new () => { kind: string })().kind).toBe(format);
  },
);

// Jest loads TypeScript itself, so what plain Node does with client.ts is proved by a spawned app
// (db-cli's prisma-client-generator.int.test.ts); here, the reason the error gives.
test.each([
  ['Node does not strip types', 'client.ts', '.ts', false, /^it is TypeScript source \(client\.ts\) and this Node \(v[\d.]+\) does not strip types$/],
  ['inside node_modules', 'node_modules/app/client.ts', '.ts', 'strip', /^it is TypeScript source inside node_modules, where Node does not strip types$/],
  ['imports end in .js', 'client.ts', '.js', 'strip', /^it is TypeScript source whose imports end in "\.js" \(importFileExtension\), which only a compiler or bundler resolves$/],
  ['imports have no extension', 'client.mts', '', 'strip', /imports end in "" \(importFileExtension\)/],
] as const)('TypeScript source that plain Node cannot load (%s) gets its reason', (_label, file, importExtension, typescript, reason) => {
  const module = { generator: 'prisma-client', file: path.join(dir, file), generated: true, language: 'typescript', importExtension } as const;
  expect(typeScriptClientProblem(module, { typescript })).toMatch(reason);
});

test('TypeScript source with .ts imports outside node_modules, where Node strips types, and JavaScript anywhere: no problem', () => {
  const ts = { generator: 'prisma-client', file: path.join(dir, 'client.ts'), generated: true, language: 'typescript', importExtension: '.ts' } as const;
  expect(typeScriptClientProblem(ts, { typescript: 'strip' })).toBeUndefined();
  expect(typeScriptClientProblem({ ...ts, language: 'javascript', file: path.join(dir, 'client.js') }, noTypeStripping)).toBeUndefined();
});

test('a client that fails to load is CLIENT_NOT_LOADABLE with the cause, for prisma-client', () => {
  const user = folder('provider = "prisma-client"\noutput = "generated"', { 'client.js': 'throw new Error("boom at load");\n' });
  expect(() => loadPrismaClient('user', user, noTypeStripping)).toThrow(ClientNotLoadableError);
  expect(() => loadPrismaClient('user', user, noTypeStripping)).toThrow(/cannot be loaded here: loading it failed: boom at load/);
});

test('a client not generated yet is CLIENT_NOT_GENERATED for both generators', () => {
  expect(() => loadPrismaClient('user', folder('provider = "prisma-client"\noutput = "generated"', {}))).toThrow(ClientNotGeneratedError);
  expect(() => loadPrismaClient('user', folder('provider = "prisma-client-js"\noutput = "client"', {}))).toThrow(ClientNotGeneratedError);
});
