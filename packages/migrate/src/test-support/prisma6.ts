// Prisma's own migrate engine as a test oracle: prisma@6.19 (installed as `prisma6`) runs its WASM
// schema engine through `@prisma/adapter-pg` when the config sets `engine: "js"` and an adapter
// (recipe in ../shared/ENVIRONMENT.md). Test-only: never a runtime dependency.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '@kusto/test-servers/migration-fixtures';

const require = createRequire(import.meta.url);
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Result of one Prisma CLI run. */
export interface PrismaRun {
  readonly code: number | null;
  readonly output: string;
}

/** A throwaway Prisma project (schema, config, migrations folder) inside packages/migrate/.fixtures. */
export interface PrismaProject {
  readonly dir: string;
  readonly migrationsDir: string;
  run(args: readonly string[], url: string): Promise<PrismaRun>;
  remove(): void;
}

/** The providers the oracle runs on here (MySQL panics in this engine build: see ENVIRONMENT.md). */
export type OracleProvider = 'postgresql' | 'sqlite';

const schemaFor = (provider: OracleProvider) => `datasource db {
  provider = "${provider}"
  url      = env("DATABASE_URL")
}
`;

const SQLITE_CONFIG = `import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { defineConfig } from 'prisma6/config';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  adapter: async () => new PrismaBetterSqlite3({ url: process.env.DATABASE_URL! }),
});
`;

const CONFIG = `import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma6/config';

// A short idle timeout lets the CLI exit as soon as it is done (the pool would keep it alive 10 s).
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL!, idleTimeoutMillis: 50 }),
});
`;

function prismaCli(): string {
  return path.join(path.dirname(require.resolve('prisma6/package.json')), 'build', 'index.js');
}

/** Creates a Prisma 6 project whose config Prisma can load (it must resolve `@prisma/adapter-pg`). */
export function createPrismaProject(label: string, provider: OracleProvider = 'postgresql'): PrismaProject {
  const dir = makeTempDir(label, path.join(packageDir, '.fixtures'));
  fs.writeFileSync(path.join(dir, 'schema.prisma'), schemaFor(provider));
  fs.writeFileSync(path.join(dir, 'prisma.config.ts'), provider === 'sqlite' ? SQLITE_CONFIG : CONFIG);
  const migrationsDir = path.join(dir, 'migrations');
  fs.mkdirSync(migrationsDir);
  return {
    dir,
    migrationsDir,
    run: (args, url) => runPrisma(dir, args, url),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

function runPrisma(cwd: string, args: readonly string[], url: string): Promise<PrismaRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [prismaCli(), ...args], {
      cwd,
      env: {
        ...process.env,
        DATABASE_URL: url,
        CHECKPOINT_DISABLE: '1',
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
        // Any executable stops the CLI from downloading native engines; the WASM engine does the work.
        PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
        PRISMA_QUERY_ENGINE_LIBRARY: process.execPath,
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/**
 * Whether Prisma's WASM schema engine runs here: a schema-to-schema `migrate diff` (it connects
 * through the adapter, but changes nothing). Returns the reason when it does not.
 */
export async function probePrismaEngine(url: string, provider: OracleProvider = 'postgresql'): Promise<string | undefined> {
  let project: PrismaProject | undefined;
  try {
    project = createPrismaProject('probe', provider);
    const schema = path.join(project.dir, 'schema.prisma');
    fs.appendFileSync(schema, 'model Probe {\n  id Int @id\n}\n');
    const result = await project.run(['migrate', 'diff', '--from-empty', '--to-schema-datamodel', schema, '--script'], url);
    if (result.code === 0 && result.output.includes('CREATE TABLE "Probe"')) return undefined;
    return `prisma 6 migrate diff exited ${String(result.code)}: ${result.output.trim().split('\n').slice(-3).join(' / ')}`;
  } catch (error) {
    return `prisma 6 could not start: ${(error as Error).message}`;
  } finally {
    project?.remove();
  }
}
