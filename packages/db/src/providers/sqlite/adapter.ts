import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import type { ModuleLoader } from '../../adapters/module-loader.js';
import { DatabaseFileError } from '../../errors.js';
import type { BuiltAdapter, ProviderRequest } from '../provider.js';
import { retryWhileBusy, SQLITE_BUSY_SLICE_MS } from './busy-retry.js';
import { betterSqliteNativeBinding, type BetterSqlite3Database } from './native-binding.js';

/**
 * better-sqlite3's own options, passed through by the adapter; `fileMustExist` makes opening a
 * missing file an error instead of creating it; `nativeBinding` is its addon copied beside a bundle.
 */
type PrismaBetterSqlite3Class = new (config: { url: string; timeout: number; fileMustExist: boolean; nativeBinding?: string }) => SqlDriverAdapterFactory;

/** The file a `file:` URL names, relative paths resolved from the database folder; `:memory:` as is. */
export function sqliteFile(url: string, dir: string): string {
  const file = url.replace(/^file:/, '');
  if (file === ':memory:' || path.isAbsolute(file)) return file;
  return path.resolve(dir, file);
}

/** Device and inode of `file`, or undefined when it is gone: a file replaced at the same path has another. */
function fileIdentity(file: string): string | undefined {
  const stat = statSync(file, { throwIfNoEntry: false });
  return stat === undefined ? undefined : `${stat.dev}:${stat.ino}`;
}

function writable(target: string): boolean {
  try {
    accessSync(target, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Refuses a database file SQLite could not open or write, with the reason, before the driver
 * reports a bare SQLITE_CANTOPEN: a missing folder or file, a path that is a folder, a file or
 * folder this process may not write. The runtime never creates a database file: an empty new one
 * would answer every query with "table does not exist" while looking healthy (a deleted file, a
 * mistyped path). Creating it is `kusto-db migrate -t deploy`'s job.
 */
export function checkSqliteFile(request: ProviderRequest, file: string): void {
  if (file === ':memory:') return;
  const source = request.urlSource ?? 'options';
  const fail = (problem: string, fix: string): never => {
    throw new DatabaseFileError(request.database, source, file, problem, fix);
  };
  const folder = path.dirname(file);
  const folderStat = statSync(folder, { throwIfNoEntry: false });
  if (!folderStat) fail(`its folder ${folder} does not exist`, `create it (mkdir -p ${folder}), or point ${source} at a file in an existing folder`);
  else if (!folderStat.isDirectory()) fail(`${folder} is not a folder`, `point ${source} at a file in a folder`);
  const fileStat = statSync(file, { throwIfNoEntry: false });
  if (!fileStat) {
    return fail(
      'the file does not exist (the app never creates a database file)',
      `create it and its tables with \`kusto-db migrate -t deploy -d ${request.database}\`, restore it, or point ${source} at the right file`,
    );
  }
  if (fileStat.isDirectory()) fail('the path is a folder, not a file', `point ${source} at a file, e.g. file:./dev.db`);
  if (!writable(file)) fail('the file is not writable by this process', 'fix the file\'s permissions');
  // The rollback journal is created beside the file at the first write.
  if (!writable(folder)) fail(`its folder ${folder} is not writable by this process (SQLite writes its journal there)`, 'fix the folder\'s permissions');
}

/**
 * `@prisma/adapter-better-sqlite3` with the file resolved from the database folder. A statement
 * waits for another connection's lock up to `pool.connectionTimeoutMillis` before its SQLITE_BUSY
 * is final, without blocking the event loop (better-sqlite3 is synchronous, its own busy wait
 * would): see {@link retryWhileBusy}.
 */
export function buildSqliteAdapter(request: ProviderRequest, loader: ModuleLoader): BuiltAdapter {
  const { module, entry } = loader.loadAdapter<{ PrismaBetterSqlite3: PrismaBetterSqlite3Class }>(
    '@prisma/adapter-better-sqlite3',
    request.database,
    request.provider,
    'PrismaBetterSqlite3',
  );
  const file = sqliteFile(request.url, request.dir);
  checkSqliteFile(request, file);
  const url = file === ':memory:' ? request.url : `file:${file}`;
  const nativeBinding = betterSqliteNativeBinding(request.database, loader.loadDependencyOf<BetterSqlite3Database>(entry, 'better-sqlite3', (value) => typeof value === 'function'));
  // fileMustExist: a file deleted between the check above and the driver opening it is an error, never a new empty file.
  const boundMs = request.pool.connectionTimeoutMillis;
  const driverFactory = new module.PrismaBetterSqlite3({
    url,
    timeout: Math.min(SQLITE_BUSY_SLICE_MS, boundMs),
    fileMustExist: true,
    ...(nativeBinding ? { nativeBinding } : {}),
  });
  const factory = retryWhileBusy(driverFactory, { boundMs });
  const opened = file === ':memory:' ? undefined : fileIdentity(file);
  return {
    factory,
    stats: () => undefined,
    ...(opened === undefined ? {} : { stillUsable: () => fileIdentity(file) === opened }),
    dispose: () => Promise.resolve(),
  };
}
