import type { DatabaseFolder } from '@kusto/db';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A `--config` file for one Prisma run; `dispose()` removes it when it was synthesised. */
export interface PreparedConfig {
  readonly path: string;
  readonly synthesized: boolean;
  dispose(): Promise<void>;
}

// Temp dirs still on disk, removed synchronously if the process exits before their run ends.
// Process-wide on purpose: `exit` is a process event, and one listener serves every run.
const pendingDirs = new Set<string>();
const removePending = () => {
  for (const dir of pendingDirs) fs.rmSync(dir, { recursive: true, force: true });
};

function trackUntilDisposed(dir: string): () => void {
  if (pendingDirs.size === 0) process.on('exit', removePending);
  pendingDirs.add(dir);
  return () => {
    pendingDirs.delete(dir);
    if (pendingDirs.size === 0) process.off('exit', removePending);
  };
}

/** File name of a synthesised config (plain ESM, so Prisma loads it without transpiling). */
export const SYNTHESIZED_CONFIG_FILE = 'prisma.config.mjs';

/**
 * A Prisma 7 config for `folder` that reads the URL from `process.env[envVar]` when Prisma loads
 * it: the URL itself is never written. `envVar` is the direct URL's variable when Prisma should
 * connect straight to the server (see `PrismaRun.directEnvVar`). Paths are absolute because Prisma resolves relative ones
 * against the config's own folder (a temp dir here).
 */
export function renderSynthesizedConfig(folder: DatabaseFolder, envVar: string): string {
  const config = `{
  schema: ${JSON.stringify(folder.schemaPath)},
  migrations: { path: ${JSON.stringify(folder.migrationsDir)} },
  datasource: { url: process.env[${JSON.stringify(envVar)}] },
}`;
  return `// Written by kusto-db for one Prisma run of database "${folder.name}"; removed when it ends.\nexport default ${config};\n`;
}

/**
 * The folder's own `prisma.config.ts` when it has one; otherwise a synthesised config in a new
 * private temp dir (mode 700), removed by `dispose()` or, failing that, when the process exits.
 */
export async function preparePrismaConfig(folder: DatabaseFolder, envVar: string): Promise<PreparedConfig> {
  if (folder.prismaConfigPath) {
    return { path: folder.prismaConfigPath, synthesized: false, dispose: () => Promise.resolve() };
  }
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kusto-db-'));
  const untrack = trackUntilDisposed(dir);
  const file = path.join(dir, SYNTHESIZED_CONFIG_FILE);
  try {
    await fsp.chmod(dir, 0o700);
    await fsp.writeFile(file, renderSynthesizedConfig(folder, envVar), { mode: 0o600 });
  } catch (error) {
    await fsp.rm(dir, { recursive: true, force: true });
    untrack();
    throw error;
  }
  return {
    path: file,
    synthesized: true,
    dispose: async () => {
      await fsp.rm(dir, { recursive: true, force: true });
      untrack();
    },
  };
}
