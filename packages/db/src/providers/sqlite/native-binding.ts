import { existsSync } from 'node:fs';
import path from 'node:path';
import { NativeAddonNotFoundError } from '../../errors.js';

/** The file name of better-sqlite3's compiled addon. */
export const BETTER_SQLITE3_ADDON = 'better_sqlite3.node';

/** better-sqlite3's `Database` class, as far as the probe needs it. */
export type BetterSqlite3Database = new (file: string, options?: { nativeBinding?: string }) => { close(): void };

/** Where a bundled app's addon copy may sit. */
export interface AddonPlaces {
  /** The entry script (`process.argv[1]`): a bundle run with `node bundle.mjs`. */
  readonly script: string | undefined;
  /** Where a function platform unpacks the function (`LAMBDA_TASK_ROOT`), and the working directory. */
  readonly folders: readonly string[];
}

/** Beside the entry script, in the function's root, in the working directory. */
export function defaultAddonPlaces(env: NodeJS.ProcessEnv = process.env): AddonPlaces {
  return { script: process.argv[1], folders: [env.LAMBDA_TASK_ROOT, process.cwd()].filter((dir): dir is string => dir !== undefined && dir !== '') };
}

function opens(Database: BetterSqlite3Database, nativeBinding?: string): boolean {
  // better-sqlite3's own lookup (the `bindings` package) swaps Error.prepareStackTrace for a function
  // that reads `__filename`; in an ES module bundle that throws before it is put back, and every
  // later stack trace in the process would throw too (seen: the next pg error ended the process).
  // eslint-disable-next-line @typescript-eslint/unbound-method -- saved to be put back as it was, never called here
  const prepareStackTrace = Error.prepareStackTrace;
  try {
    new Database(':memory:', nativeBinding === undefined ? {} : { nativeBinding }).close();
    return true;
  } catch {
    return false;
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
  }
}

const found = new WeakMap<BetterSqlite3Database, string | undefined>();

/**
 * better-sqlite3's `nativeBinding` option for this process: undefined when better-sqlite3 finds its
 * own addon (installed, or traced with its package), else a copy beside a bundle. better-sqlite3
 * looks for its addon from its package folder, which a bundle does not have: without this a bundled
 * app would fail at its first query. Probed once per process with an in-memory database.
 */
export function betterSqliteNativeBinding(database: string, Database: BetterSqlite3Database, places: AddonPlaces = defaultAddonPlaces()): string | undefined {
  if (found.has(Database)) return found.get(Database);
  let binding: string | undefined;
  if (!opens(Database)) {
    const folders = [...(places.script ? [path.dirname(path.resolve(places.script))] : []), ...places.folders];
    const candidates = [...new Set(folders.map((folder) => path.join(folder, BETTER_SQLITE3_ADDON)))];
    binding = candidates.find((file) => existsSync(file) && opens(Database, file));
    if (binding === undefined) throw new NativeAddonNotFoundError(database, BETTER_SQLITE3_ADDON, candidates);
  }
  found.set(Database, binding);
  return binding;
}
