import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../cli.js';
import { capture, createProject, removeProject } from '../test-support/project.js';

let project: string;
const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true',
  RDS_ANALYTICS_EVENTS_URL: 'postgresql://app:secret@localhost:5432/events',
};

beforeAll(async () => {
  project = await createProject('init', {});
});
afterAll(() => removeProject(project));

test('init scaffolds schema.prisma, prisma.config.ts and seed.ts that pass validate (real prisma)', async () => {
  const { io, out } = capture();
  expect(await runCli(['init', 'analyticsEvents'], { cwd: project, env, io })).toBe(0);
  const dir = path.join(project, 'src/app/db/analyticsEvents');
  expect(fs.readdirSync(dir).sort()).toEqual(['prisma.config.ts', 'schema.prisma', 'seed.ts']);
  expect(fs.readFileSync(path.join(dir, 'prisma.config.ts'), 'utf8')).toContain('process.env["RDS_ANALYTICS_EVENTS_URL"]');
  expect(fs.readFileSync(path.join(dir, 'seed.ts'), 'utf8')).toContain("getClient(\"analyticsEvents\")");
  expect(out.join('\n')).toMatch(/Next: set RDS_ANALYTICS_EVENTS_URL/);

  const validation = capture();
  expect(await runCli(['validate', '-d', 'analyticsEvents', '--verbose'], { cwd: project, env, io: validation.io })).toBe(0);
  expect(validation.out.join('\n')).toMatch(/✔ analyticsEvents validate ok/);
  expect(validation.out.join('\n')).toMatch(/✔ generator provider is prisma-client-js/);
}, 60_000);

test('the scaffolded config lets generate run without the URL variable', async () => {
  await runCli(['init', 'offline', '--provider', 'sqlite'], { cwd: project, env, io: capture().io });
  const { io } = capture();
  expect(await runCli(['generate', '-d', 'offline'], { cwd: project, env, io })).toBe(0);
}, 60_000);

test('init refuses an existing database and an invalid name, writing nothing', async () => {
  const first = capture();
  expect(await runCli(['init', 'analyticsEvents'], { cwd: project, env, io: first.io })).toBe(1);
  expect(first.err.join('\n')).toMatch(/schema\.prisma already exists; nothing was written/);
  const second = capture();
  expect(await runCli(['init', '../evil'], { cwd: project, env, io: second.io })).toBe(1);
  expect(second.err.join('\n')).toMatch(/cannot be a database name/);
  expect(fs.existsSync(path.join(project, 'src/app/evil'))).toBe(false);
});

test('init --generator prisma-client scaffolds Prisma 7\'s newer generator, which validate accepts and generate generates', async () => {
  const { io } = capture();
  expect(await runCli(['init', 'modern', '--generator', 'prisma-client', '--provider', 'sqlite'], { cwd: project, env, io })).toBe(0);
  const schema = fs.readFileSync(path.join(project, 'src/app/db/modern/schema.prisma'), 'utf8');
  expect(schema).toMatch(/generator client \{\n {2}provider = "prisma-client"\n {2}output {3}= "client"\n\}/);
  const validation = capture();
  expect(await runCli(['validate', '-d', 'modern', '--no-env', '--verbose'], { cwd: project, env, io: validation.io })).toBe(0);
  expect(validation.out.join('\n')).toMatch(/✔ generator provider is prisma-client\n/);
  const generation = capture();
  expect(await runCli(['generate', '-d', 'modern'], { cwd: project, env, io: generation.io })).toBe(0);
  expect(fs.existsSync(path.join(project, 'src/app/db/modern/client/client.ts'))).toBe(true);
}, 60_000);

test('init without --generator writes prisma-client-js, which loads as JavaScript from the folder on any Node', async () => {
  await runCli(['init', 'classic', '--provider', 'sqlite'], { cwd: project, env, io: capture().io });
  expect(fs.readFileSync(path.join(project, 'src/app/db/classic/schema.prisma'), 'utf8')).toContain('provider = "prisma-client-js"');
  const help = capture();
  await runCli(['init', '--help'], { cwd: project, env, io: help.io });
  expect(help.text()).toMatch(/--generator .*\[choices: "prisma-client-js", "prisma-client"\] \[default: "prisma-client-js"\]/s);
});
