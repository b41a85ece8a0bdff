/** Providers `kusto-db init` can scaffold. */
export const INIT_PROVIDERS = ['postgresql', 'mysql', 'sqlite', 'sqlserver'] as const;
export type InitProvider = (typeof INIT_PROVIDERS)[number];

/** Generators `kusto-db init` can write; the first is the default. */
export const INIT_GENERATORS = ['prisma-client-js', 'prisma-client'] as const;
export type InitGenerator = (typeof INIT_GENERATORS)[number];

/** The default generator: `prisma-client-js` writes JavaScript that any Node loads from the folder, with no compile step. */
export const DEFAULT_INIT_GENERATOR: InitGenerator = 'prisma-client-js';

const GENERATOR_NOTES: Readonly<Record<InitGenerator, string>> = {
  'prisma-client-js': '',
  'prisma-client':
    '// TypeScript source, shaped by your tsconfig (moduleFormat, importFileExtension). The app loads it compiled\n' +
    '// (tsc), through the registry kusto-db generate writes, or from source on Node >= 22.18 with .ts imports.\n',
};

/** A Prisma 7 schema: `generator` into `client`, no `url` (it lives in prisma.config.ts). */
export function renderSchema(provider: InitProvider, generator: InitGenerator = DEFAULT_INIT_GENERATOR): string {
  return `${GENERATOR_NOTES[generator]}generator client {
  provider = "${generator}"
  output   = "client"
}

datasource db {
  provider = "${provider}"
}

model Example {
  id        Int      @id @default(autoincrement())
  createdAt DateTime @default(now())
}
`;
}

/**
 * The folder's \`prisma.config.ts\`: reads the URL from \`envVar\` by name. Uses \`process.env\`
 * rather than Prisma's \`env()\`, which throws while loading the config when the variable is
 * unset and so would break \`prisma generate\` in builds that have no database.
 */
export function renderPrismaConfig(envVar: string): string {
  return `import { defineConfig } from 'prisma/config';

// The URL comes from ${envVar}; kusto-db checks it is set before commands that need a database.
// (\`env('${envVar}')\` from prisma/config would also fail \`prisma generate\` when it is unset.)
export default defineConfig({
  schema: './schema.prisma',
  migrations: { path: './migrations' },
  datasource: { url: process.env[${JSON.stringify(envVar)}] },
});
`;
}

/**
 * The folder's \`seed.ts\`. It runs as written whether the project is ESM (\`"type": "module"\`) or
 * CommonJS (what \`npm init -y\` writes), so it has no top-level \`await\` (esbuild cannot emit it
 * as CommonJS) and no \`import.meta\`. \`kusto-db seed\` (like Prisma's \`migrations.seed\`) runs it
 * in its database folder, so the database root is that folder's parent.
 */
export function renderSeed(database: string): string {
  return `// Seed data for database "${database}": kusto-db seed -d ${database}
// Runs in this folder (kusto-db seed does that), so the database root is its parent.
import { createKustoDb } from '@kusto/db';
import path from 'node:path';

async function seed(): Promise<void> {
  const kusto = createKustoDb({ root: path.resolve('..') });
  try {
    const db = await kusto.getClient(${JSON.stringify(database)});
    // Create rows here, e.g. await db.example.create({ data: {} });
    void db;
  } finally {
    await kusto.disconnectAll();
  }
}

seed().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
`;
}
