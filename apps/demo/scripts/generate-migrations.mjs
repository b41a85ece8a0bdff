#!/usr/bin/env node
// Regenerates every migration of the demo from the schema snapshots in scripts/schema-steps/<db>/:
// migration.sql = Prisma's diff from the previous snapshot to this one, down.sql = the reverse.
// Prisma 7's differ needs its native schema engine (downloaded on first use, not available on
// closed networks), so this runs Prisma 6's WASM engine through a driver adapter instead, against
// a throw-away embedded Postgres. Usage: pnpm --filter @kusto/demo generate-migrations
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '@kusto/test-servers';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stepsDir = path.join(appDir, 'scripts', 'schema-steps');
const workDir = path.join(appDir, '.kusto', 'migration-diff');
const prisma6 = createRequire(import.meta.url).resolve('prisma6/build/index.js');
const DATASOURCE = 'datasource db {\n  provider = "postgresql"\n  url      = env("DIFF_URL")\n}\n\n';

const server = await startPostgres({ backend: 'embedded' });
try {
  const url = await server.createDatabase('migration_diff');
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  fs.writeFileSync(
    path.join(workDir, 'prisma.config.ts'),
    `import { defineConfig } from 'prisma6/config';
import { PrismaPg } from '@prisma/adapter-pg';
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () => new PrismaPg({ connectionString: process.env.DIFF_URL }),
});
`,
  );
  const env = {
    ...process.env,
    DIFF_URL: url,
    CHECKPOINT_DISABLE: '1',
    // Any executable: tells Prisma not to download native engines; the WASM engine does the work.
    PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
    PRISMA_QUERY_ENGINE_LIBRARY: process.execPath,
  };
  const diff = (from, to) =>
    execFileSync(process.execPath, [prisma6, 'migrate', 'diff', ...from, ...to, '--script'], {
      cwd: workDir,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });

  for (const database of fs.readdirSync(stepsDir).sort()) {
    const migrationsDir = path.join(appDir, 'src', 'app', 'db', database, 'migrations');
    fs.rmSync(migrationsDir, { recursive: true, force: true });
    let previous;
    for (const step of fs.readdirSync(path.join(stepsDir, database)).sort()) {
      const name = step.replace(/\.prisma$/, '');
      const snapshot = path.join(workDir, `${database}-${name}.prisma`);
      fs.writeFileSync(snapshot, DATASOURCE + fs.readFileSync(path.join(stepsDir, database, step), 'utf8'));
      const from = previous ? ['--from-schema-datamodel', previous] : ['--from-empty'];
      const back = previous ? ['--to-schema-datamodel', previous] : ['--to-empty'];
      const folder = path.join(migrationsDir, name);
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, 'migration.sql'), diff(from, ['--to-schema-datamodel', snapshot]));
      fs.writeFileSync(path.join(folder, 'down.sql'), diff(['--from-schema-datamodel', snapshot], back));
      console.log(`${database}/${name}: migration.sql and down.sql written`);
      previous = snapshot;
    }
    fs.writeFileSync(path.join(migrationsDir, 'migration_lock.toml'), 'provider = "postgresql"\n');
  }
} finally {
  await server.close();
  fs.rmSync(workDir, { recursive: true, force: true });
}
