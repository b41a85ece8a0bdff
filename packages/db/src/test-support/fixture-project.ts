import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Inside the package, so generated clients resolve @prisma/client-runtime-utils from its node_modules. */
const fixturesDir = path.join(packageDir, '.fixtures');

export const schemaFor = (provider: string, models: string) => `generator client {
  provider = "prisma-client-js"
  output   = "client"
}

datasource db {
  provider = "${provider}"
}

${models}
`;

export const USER_MODELS = `model User {
  id    Int     @id @default(autoincrement())
  email String  @unique
  name  String?
}`;

export const EVENT_MODELS = `model Event {
  id   Int    @id @default(autoincrement())
  kind String
}`;

export const NOTE_MODELS = `model Note {
  id   Int    @id @default(autoincrement())
  body String
}`;

/** Runs the real `prisma generate` (offline: Prisma only needs its schema engine path to be set). */
async function generate(schemaPath: string): Promise<void> {
  await run(path.join(packageDir, 'node_modules', '.bin', 'prisma'), ['generate', '--schema', schemaPath], {
    cwd: packageDir,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1', PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true' },
  });
}

/**
 * A project folder with `src/app/db/<name>/schema.prisma` per entry and each client generated.
 * Cached by content under `.fixtures/`, so a schema is generated once for all test files and runs.
 * Folders listed in `withoutClient` get only their schema.
 */
export async function fixtureProject(
  databases: Readonly<Record<string, string>>,
  withoutClient: readonly string[] = [],
): Promise<string> {
  const key = createHash('sha256')
    .update(JSON.stringify({ databases, withoutClient, v: 1 }))
    .digest('hex')
    .slice(0, 16);
  const project = path.join(fixturesDir, key);
  if (existsSync(path.join(project, '.ready'))) return project;

  const staging = `${project}.staging-${process.pid}-${randomBytes(3).toString('hex')}`;
  await Promise.all(
    Object.entries(databases).map(async ([name, schema]) => {
      const dir = path.join(staging, 'src', 'app', 'db', name);
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(path.join(dir, 'schema.prisma'), schema);
      if (!withoutClient.includes(name)) await generate(path.join(dir, 'schema.prisma'));
    }),
  );
  await fs.writeFile(path.join(staging, '.ready'), '');
  try {
    await fs.rename(staging, project);
  } catch {
    await fs.rm(staging, { recursive: true, force: true }); // another worker finished first
  }
  return project;
}
