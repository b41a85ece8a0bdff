import nodeFs from 'node:fs/promises';
import path from 'node:path';
import { printable } from '@kusto/db';
import { migrationChecksum } from './checksum.js';
import { MigrationsUnreadableError } from './errors.js';

/** The file system calls the runner makes; tests may pass their own. Default: `node:fs/promises`. */
export interface MigrationFileSystem {
  readdir(dir: string, options: { withFileTypes: true }): Promise<Array<MigrationDirEntry>>;
  readFile(file: string, encoding: 'utf8'): Promise<string>;
}

/** An entry of the migrations folder, as `readdir(…, { withFileTypes: true })` gives it (not following links). */
export interface MigrationDirEntry {
  readonly name: string;
  isDirectory(): boolean;
  /** Optional for file systems without links. */
  isSymbolicLink?(): boolean;
}

/** Why a symbolic link in the migrations folder is not a migration. */
export const SYMLINK_IGNORED_REASON =
  'a symbolic link, not followed: Prisma lists only real folders, so neither tool applies it; copy the migration into the migrations folder';

/** The file holding a migration's SQL, as Prisma names it. */
export const MIGRATION_FILE = 'migration.sql';
/** The file holding the SQL that reverts a migration (our addition; Prisma has none). */
export const DOWN_FILE = 'down.sql';

/** A migration folder on disk. */
export interface LocalMigration {
  /** The folder name, which is the migration's name in `_prisma_migrations.migration_name`. */
  readonly name: string;
  readonly dir: string;
  readonly file: string;
  readonly script: string;
  /** {@link migrationChecksum} of `script`. */
  readonly checksum: string;
  /** `down.sql` beside `migration.sql`, when there is one. */
  readonly down: { readonly file: string; readonly script: string } | undefined;
}

/** A folder in the migrations folder that is not a migration, and why. */
export interface IgnoredMigrationFolder {
  readonly name: string;
  readonly reason: string;
}

export interface LocalMigrations {
  readonly migrations: readonly LocalMigration[];
  readonly ignored: readonly IgnoredMigrationFolder[];
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

async function readOptional(fs: MigrationFileSystem, file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/**
 * Lists the migrations of a Prisma migrations folder: every subfolder holding a `migration.sql`,
 * sorted by folder name (the order Prisma applies them in). A missing folder means no migrations;
 * subfolders without `migration.sql`, and symbolic links (which Prisma does not follow either:
 * `list_migrations` in prisma/prisma-engines `schema-engine/connectors/schema-connector/src/migrations_directory.rs`
 * keeps entries whose own file type is a directory), are listed in `ignored` with the reason.
 * Loose files such as `migration_lock.toml` are skipped silently, as Prisma does.
 */
export async function readLocalMigrations(
  migrationsDir: string,
  fs: MigrationFileSystem = nodeFs,
): Promise<LocalMigrations> {
  let entries: MigrationDirEntry[];
  try {
    entries = await fs.readdir(migrationsDir, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return { migrations: [], ignored: [] };
    throw new MigrationsUnreadableError(migrationsDir, (error as Error).message, { cause: error });
  }
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort(byName);
  const migrations: LocalMigration[] = [];
  const ignored: IgnoredMigrationFolder[] = entries
    .filter((entry) => entry.isSymbolicLink?.() === true)
    .map((entry) => entry.name)
    .sort(byName)
    .map((name) => ({ name, reason: SYMLINK_IGNORED_REASON }));
  for (const name of names) {
    const dir = path.join(migrationsDir, name);
    const file = path.join(dir, MIGRATION_FILE);
    try {
      const script = await readOptional(fs, file);
      if (script === undefined) {
        ignored.push({ name, reason: `no ${MIGRATION_FILE}` });
        continue;
      }
      const downFile = path.join(dir, DOWN_FILE);
      const downScript = await readOptional(fs, downFile);
      migrations.push({
        name,
        dir,
        file,
        script,
        checksum: migrationChecksum(script),
        down: downScript === undefined ? undefined : { file: downFile, script: downScript },
      });
    } catch (error) {
      throw new MigrationsUnreadableError(migrationsDir, `${printable(name)}: ${(error as Error).message}`, { cause: error });
    }
  }
  return { migrations, ignored };
}
