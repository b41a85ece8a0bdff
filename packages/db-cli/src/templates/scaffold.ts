/** Providers `kusto-db init` can scaffold. */
export const INIT_PROVIDERS = ['postgresql', 'mysql', 'sqlite', 'sqlserver'] as const;
export type InitProvider = (typeof INIT_PROVIDERS)[number];

/** A Prisma 7 schema: `prisma-client-js` into `client`, no `url` (it lives in prisma.config.ts). */
export function renderSchema(provider: InitProvider): string {
  return `generator client {
  provider = "prisma-client-js"
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
