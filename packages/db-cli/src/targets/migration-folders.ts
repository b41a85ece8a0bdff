import fs from 'node:fs';
import path from 'node:path';

/** Folder names under `migrations/` that hold a `migration.sql`, sorted (the order they apply in). */
export function migrationFolders(migrationsDir: string): string[] {
  if (!fs.existsSync(migrationsDir)) return [];
  return fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(migrationsDir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort();
}
