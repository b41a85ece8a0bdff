import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createProject, EVENT_MODELS, removeProject, schemaFor, USER_MODELS } from '../test-support/project.js';
import { baseEnv, runKusto } from '../test-support/spawn-cli.js';
import { resolvePrismaBin } from './resolve-prisma.js';
import { inProcessGeneratorVersion } from './generate-in-process.js';

// `kusto-db generate` in one process with Prisma's own generator must write the very client the
// Prisma CLI writes: both, in a child process, on the same schemas, compared byte for byte.

const RICH_MODELS = `enum Role {
  ADMIN
  MEMBER
}

model Account {
  id        String    @id @default(uuid()) @db.Uuid
  role      Role      @default(MEMBER)
  balance   Decimal   @db.Decimal(12, 2)
  profile   Json?
  tags      String[]
  createdAt DateTime  @default(now()) @map("created_at")
  posts     Post[]

  @@map("accounts")
}

model Post {
  id        BigInt  @id @default(autoincrement())
  title     String  @db.VarChar(200)
  accountId String  @db.Uuid
  account   Account @relation(fields: [accountId], references: [id], onDelete: Cascade)

  @@index([accountId])
}`;

/** The same schema for Prisma 7's `prisma-client` generator, into `generated`, with `options` in its block. */
const prismaClientSchema = (models: string, options = '') =>
  schemaFor('postgresql', models).replace('provider = "prisma-client-js"\n  output   = "client"', `provider = "prisma-client"\n  output   = "generated"${options}`);

let project: string;
const names = ['events', 'rich', 'user', 'modern', 'modernCjs'];
const env = () => baseEnv({ PRISMA_SCHEMA_ENGINE_BINARY: process.execPath });
const clientDir = (name: string) => path.join(project, 'src/app/db', name, name.startsWith('modern') ? 'generated' : 'client');

async function snapshot(root: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await fs.readdir(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files.set(path.relative(root, path.join(entry.parentPath, entry.name)), await fs.readFile(path.join(entry.parentPath, entry.name)));
  }
  return files;
}

beforeAll(async () => {
  project = await createProject('generate-in-process', {
    user: { 'schema.prisma': schemaFor('postgresql', USER_MODELS) },
    events: { 'schema.prisma': schemaFor('postgresql', EVENT_MODELS) },
    rich: { 'schema.prisma': schemaFor('postgresql', RICH_MODELS) },
    modern: { 'schema.prisma': prismaClientSchema(RICH_MODELS) },
    modernCjs: {
      'schema.prisma': prismaClientSchema(USER_MODELS, '\n  moduleFormat = "cjs"\n  generatedFileExtension = "cts"\n  importFileExtension = "cjs"'),
    },
  });
});
afterAll(() => removeProject(project));

test('the project uses the Prisma version whose generator kusto-db carries (else the in-process path is never taken)', () => {
  expect(inProcessGeneratorVersion()).toBe(resolvePrismaBin(project).version);
});

test("in-process generation writes byte for byte the client the Prisma CLI writes, for both generators", async () => {
  const cli = await runKusto(project, ['generate', '-a', '--no-in-process'], env());
  expect(cli.exitCode).toBe(0);
  for (const name of names) expect(cli.stdout).toMatch(new RegExp(`^✔ ${name} generate ok \\(.*\\)$`, 'm'));
  const byCli = new Map(await Promise.all(names.map(async (name) => [name, await snapshot(clientDir(name))] as const)));
  expect([...byCli.get('modern')!.keys()]).toContain('client.ts');
  expect([...byCli.get('modernCjs')!.keys()]).toContain('client.cts');
  await Promise.all(names.map((name) => fs.rm(clientDir(name), { recursive: true })));

  const inProcess = await runKusto(project, ['generate', '-a'], env());
  expect(inProcess.exitCode).toBe(0);
  for (const name of names) expect(inProcess.stdout).toMatch(new RegExp(`^✔ ${name} generate ok .*: Prisma's generator 7\\.\\S+, in-process$`, 'm'));
  for (const name of names) {
    const mine = await snapshot(clientDir(name));
    const theirs = byCli.get(name)!;
    expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [file, bytes] of mine) expect({ name, file, same: bytes.equals(theirs.get(file)!) }).toEqual({ name, file, same: true });
  }
}, 120_000);

test('a schema Prisma rejects goes to the Prisma CLI, which reports it in its own words', async () => {
  await fs.writeFile(path.join(project, 'src/app/db/user/schema.prisma'), schemaFor('postgresql', 'model User {\n  id Int @id\n  oops NotAType\n}'));
  const run = await runKusto(project, ['generate', '-d', 'user'], env());
  expect(run.exitCode).toBe(1);
  expect(run.stdout).toMatch(/✖ user generate failed .*prisma generate exited with 1/);
  expect(run.stdout).toContain('NotAType');
}, 60_000);
