import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../cli.js';
import { capture, createProject, removeProject, schemaFor, USER_MODELS } from '../test-support/project.js';
import { baseEnv } from '../test-support/spawn-cli.js';

// `generate` never says `ok` for a client the runtime cannot load (issue 22 item 8), and says `ok`
// for every output the runtime does load: both generators, any output folder. Real Prisma, offline.

let project: string;
const env = baseEnv({ PRISMA_SCHEMA_ENGINE_BINARY: process.execPath });

const withGenerator = (generator: string) => schemaFor('postgresql', USER_MODELS).replace(/generator client \{[^}]*\}/, `generator client {\n${generator}\n}`);

beforeAll(async () => {
  project = await createProject('generate-unloadable', {
    noOutput: { 'schema.prisma': withGenerator('  provider = "prisma-client-js"') },
    kysely: { 'schema.prisma': withGenerator('  provider = "prisma-kysely"\n  output   = "client"') },
    jsElsewhere: { 'schema.prisma': withGenerator('  provider = "prisma-client-js"\n  output   = "generated"') },
    modern: { 'schema.prisma': withGenerator('  provider = "prisma-client"\n  output   = "generated"') },
  });
});
afterAll(() => removeProject(project));

test.each([
  ['noOutput', /✖ noOutput generate failed .*the prisma-client-js generator has no output; add output = "client" \(each database needs its own client folder\)/],
  ['kysely', /✖ kysely generate failed .*generator provider "prisma-kysely" makes no client @kusto\/db can load; use provider = "prisma-client-js" or "prisma-client"/],
])('generate -d %s fails before Prisma runs, with the fix, and writes no typed map', async (name, line) => {
  const { io, text } = capture();
  expect(await runCli(['generate', '-d', name], { cwd: project, env, io })).toBe(1);
  expect(text()).toMatch(line);
  expect(text()).toContain('The typed database map was not written because a database failed.');
  expect(fs.existsSync(path.join(project, 'src/kusto-databases.d.ts'))).toBe(false);
}, 60_000);

test.each([
  ['noOutput', /✖ generator output is missing; the prisma-client-js generator has no output; add output = "client"/],
  ['kysely', /✖ generator provider "prisma-kysely" makes no client @kusto\/db can load/],
])('validate -d %s reports the same rule', async (name, line) => {
  const { io, text } = capture();
  expect(await runCli(['validate', '-d', name, '--no-env'], { cwd: project, env, io })).toBe(1);
  expect(text()).toMatch(line);
}, 60_000);

test('any output folder of either generator is generated, typed and passes validate (output = "generated" included)', async () => {
  for (const name of ['jsElsewhere', 'modern']) {
    const { io, text } = capture();
    expect(await runCli(['generate', '-d', name], { cwd: project, env, io })).toBe(0);
    expect(text()).toMatch(new RegExp(`✔ ${name} generate ok`));
    expect(text()).not.toMatch(new RegExp(`Left out .*\\b${name}\\b`));
    const validation = capture();
    expect(await runCli(['validate', '-d', name, '--no-env', '--verbose'], { cwd: project, env, io: validation.io })).toBe(0);
    expect(validation.text()).toMatch(/✔ generator output is "generated"/);
  }
  const map = fs.readFileSync(path.join(project, 'src/kusto-databases.d.ts'), 'utf8');
  expect(map).toContain('from "./app/db/jsElsewhere/generated/index.js";');
  expect(map).toMatch(/from "\.\/app\/db\/modern\/generated\/client\.(js|ts)";/);
  expect(map).toContain('"modern": ModernClient');
}, 120_000);
