import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createProject, removeProject, schemaFor, USER_MODELS, EVENT_MODELS } from '../test-support/project.js';
import { baseEnv, runKusto } from '../test-support/spawn-cli.js';
import { GENERATE_STAMP_FILE } from './generate-stamp.js';

// `kusto-db generate -a` run twice with the real Prisma CLI in a child process: the second run
// skips every database whose schema and Prisma versions produced its client; a changed schema
// or --force regenerates.

let project: string;
const env = () => baseEnv({ PRISMA_SCHEMA_ENGINE_BINARY: process.execPath });
const clientOf = (name: string, ...rest: string[]) => path.join(project, 'src/app/db', name, 'client', ...rest);

beforeAll(async () => {
  project = await createProject('generate-stamp', {
    user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS) },
    events: { 'schema.prisma': schemaFor('postgresql', EVENT_MODELS) },
  });
});
afterAll(() => removeProject(project));

test('nothing changed: the second generate -a skips both databases; the typed map is still written', async () => {
  const first = await runKusto(project, ['generate', '-a'], env());
  expect(first.exitCode).toBe(0);
  expect(first.stdout).toMatch(/✔ events generate ok/);
  expect(first.stdout).toMatch(/✔ user generate ok/);
  const stamp = JSON.parse(await fs.readFile(clientOf('user', GENERATE_STAMP_FILE), 'utf8')) as Record<string, string>;
  expect(stamp).toEqual({ schemaSha256: expect.stringMatching(/^[0-9a-f]{64}$/), prisma: expect.stringMatching(/^7\./), prismaClient: expect.stringMatching(/^7\./) });
  const before = (await fs.stat(clientOf('user', 'index.js'))).mtimeMs;

  const second = await runKusto(project, ['generate', '-a'], env());
  expect(second.exitCode).toBe(0);
  expect(second.stdout).toMatch(/^- events generate skipped \(.*\): client up to date \(same schema, prisma 7\.[^;]+; --force regenerates\)$/m);
  expect(second.stdout).toMatch(/^- user generate skipped/m);
  expect(second.stdout).toMatch(/^Wrote src\/kusto-databases\.d\.ts \(events, user\)\.$/m);
  expect((await fs.stat(clientOf('user', 'index.js'))).mtimeMs).toBe(before);
}, 90_000);

test('a changed schema regenerates that database only; --force regenerates all', async () => {
  const schema = path.join(project, 'src/app/db/user/schema.prisma');
  await fs.writeFile(schema, schemaFor('postgresql', `${USER_MODELS}\n\nmodel Extra {\n  id Int @id\n}`));
  const changed = await runKusto(project, ['generate', '-a'], env());
  expect(changed.stdout).toMatch(/^✔ user generate ok/m);
  expect(changed.stdout).toMatch(/^- events generate skipped/m);
  expect(await fs.readFile(clientOf('user', 'index.d.ts'), 'utf8')).toContain('Extra');

  const forced = await runKusto(project, ['generate', '-a', '--force'], env());
  expect(forced.stdout).toMatch(/^✔ events generate ok/m);
  expect(forced.stdout).toMatch(/^✔ user generate ok/m);
}, 90_000);

test('a deleted client is generated again, whatever the stamp says', async () => {
  await fs.rm(clientOf('events', 'index.js'));
  const run = await runKusto(project, ['generate', '-d', 'events'], env());
  expect(run.stdout).toMatch(/^✔ events generate ok/m);
}, 60_000);
