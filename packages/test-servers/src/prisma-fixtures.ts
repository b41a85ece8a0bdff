import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A `schema.prisma` for `provider` with a `prisma-client-js` generator writing to `client/`;
 * `datasourceExtra` is appended inside the datasource block (e.g. a legacy `url = env("X")` line).
 */
export const schemaFor = (provider: string, models: string, datasourceExtra = ''): string => `generator client {
  provider = "prisma-client-js"
  output   = "client"
}

datasource db {
  provider = "${provider}"${datasourceExtra}
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

export interface FixtureProjectOptions {
  /**
   * The package whose `node_modules` holds `prisma`, `@prisma/client` and
   * `@prisma/client-runtime-utils`. Projects are created in its `.fixtures/` folder so the
   * generated clients resolve those packages.
   */
  readonly packageDir: string;
  /** Folder name → schema text. */
  readonly databases: Readonly<Record<string, string>>;
  /** Folders that get only their schema (no generated client). */
  readonly withoutClient?: readonly string[];
}

/** Runs the real `prisma generate` offline (Prisma only needs its schema engine path to be set). */
async function generate(packageDir: string, schemaPath: string): Promise<void> {
  await run(path.join(packageDir, 'node_modules', '.bin', 'prisma'), ['generate', '--schema', schemaPath], {
    cwd: packageDir,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1', PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true' },
  });
}

/**
 * A project folder with `src/app/db/<name>/schema.prisma` per database and each client generated.
 * Cached by content, so a schema is generated once for all test files and runs.
 */
export async function fixtureProject(options: FixtureProjectOptions): Promise<string> {
  const withoutClient = options.withoutClient ?? [];
  const key = createHash('sha256')
    .update(JSON.stringify({ databases: options.databases, withoutClient, v: 1 }))
    .digest('hex')
    .slice(0, 16);
  const project = path.join(options.packageDir, '.fixtures', key);
  if (existsSync(path.join(project, '.ready'))) return project;

  const staging = `${project}.staging-${process.pid}-${randomBytes(3).toString('hex')}`;
  await Promise.all(
    Object.entries(options.databases).map(async ([name, schema]) => {
      const dir = path.join(staging, 'src', 'app', 'db', name);
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(path.join(dir, 'schema.prisma'), schema);
      if (!withoutClient.includes(name)) await generate(options.packageDir, path.join(dir, 'schema.prisma'));
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

/** What `tsc` said about a project: exit code 0 and no output when it compiles. */
export interface TypecheckResult {
  readonly code: number;
  readonly output: string;
}

/**
 * Type-checks `usage` (written to `<project>/src/usage.ts`) together with the project's generated
 * `src/kusto-databases.d.ts`, strict, with `@kusto/db` mapped to the declaration file `kustoDbTypes`:
 * how a typed `getClient` is proven to compile, and a misspelled database name proven not to.
 */
export async function typecheckUsage(project: string, usage: string, kustoDbTypes: string): Promise<TypecheckResult> {
  await fs.writeFile(path.join(project, 'src', 'usage.ts'), usage);
  await fs.writeFile(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        noEmit: true,
        skipLibCheck: true,
        types: [],
        paths: { '@kusto/db': [kustoDbTypes] },
      },
      include: ['src/usage.ts', 'src/kusto-databases.d.ts'],
    }),
  );
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  return promisify(execFile)(process.execPath, [tsc, '-p', project]).then(
    () => ({ code: 0, output: '' }),
    (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
  );
}
