import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { containerRuntimeAvailable } from '../container/container-server.js';

const run = promisify(execFile);

/** Environment variable naming the `mariadbd` program to run. */
export const MARIADB_BINARY_ENV = 'MARIADB_BINARY';

/** Where distribution packages install the server, tried after `PATH` (Debian puts `mariadbd` in `/usr/sbin`). */
export const MARIADB_FALLBACK_PATHS: readonly string[] = ['/usr/sbin/mariadbd', '/usr/bin/mariadbd'];

/** The program that creates a data dir, looked up beside `mariadbd`, on `PATH`, then in `/usr/bin`. */
export const MARIADB_INSTALL_DB = 'mariadb-install-db';

const NOT_INSTALLED =
  `mariadbd not installed (apt-get install mariadb-server), or set ${MARIADB_BINARY_ENV} to its path; ` +
  'no container runtime answers either';

/** The two programs a local MariaDB needs. */
export interface MariaDbPrograms {
  readonly mariadbd: string;
  readonly installDb: string;
}

/** Whether MariaDB can run here, how, and if not why (for `describe.skip` titles and error messages). */
export type MariaDbAvailability =
  | { readonly available: true; readonly backend: 'binary'; readonly binary: string; readonly version: string }
  | { readonly available: true; readonly backend: 'container' }
  | { readonly available: false; readonly reason: string };

export interface LocateMariaDbOptions {
  /** An explicit `mariadbd` path; wins over everything else. Default: none. */
  readonly binary?: string;
  /** Environment to read `MARIADB_BINARY` and `PATH` from. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Whether a path is an executable file. Default: `fs.accessSync(X_OK)` on a regular file. */
  readonly isExecutable?: (file: string) => boolean;
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(env: NodeJS.ProcessEnv, program: string): string[] {
  return (env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => path.isAbsolute(dir))
    .map((dir) => path.join(dir, program));
}

/**
 * Finds `mariadbd` (the `binary` option, else `MARIADB_BINARY`, else `PATH`, else
 * {@link MARIADB_FALLBACK_PATHS}) and `mariadb-install-db` (beside it, on `PATH`, or `/usr/bin`).
 * An explicit path that is not executable is reported as such rather than skipped.
 */
export function locateMariaDb(options: LocateMariaDbOptions = {}): MariaDbPrograms | { reason: string } {
  const env = options.env ?? process.env;
  const isExecutable = options.isExecutable ?? isExecutableFile;
  const explicit = options.binary ?? (env[MARIADB_BINARY_ENV] || undefined);
  let mariadbd: string | undefined;
  if (explicit !== undefined) {
    const source = options.binary !== undefined ? 'the `binary` option' : MARIADB_BINARY_ENV;
    if (!isExecutable(explicit)) return { reason: `${source} (${explicit}) is not an executable file` };
    mariadbd = explicit;
  } else {
    mariadbd = [...onPath(env, 'mariadbd'), ...MARIADB_FALLBACK_PATHS].find((file) => isExecutable(file));
    if (!mariadbd) return { reason: NOT_INSTALLED };
  }
  const installDb = [
    path.join(path.dirname(mariadbd), MARIADB_INSTALL_DB),
    ...onPath(env, MARIADB_INSTALL_DB),
    path.join('/usr/bin', MARIADB_INSTALL_DB),
  ].find((file) => isExecutable(file));
  if (!installDb) return { reason: `${MARIADB_INSTALL_DB} not found beside ${mariadbd}, on PATH or in /usr/bin` };
  return { mariadbd, installDb };
}

/** Runs `mariadbd --version`; the version, or the reason it did not answer with one. */
export async function mariadbVersion(binary: string): Promise<{ version: string } | { reason: string }> {
  try {
    const { stdout } = await run(binary, ['--version'], { timeout: 10_000 });
    const version = /Ver\s+(\S+)/.exec(stdout)?.[1];
    return version ? { version } : { reason: `${binary} --version did not print a MariaDB version` };
  } catch (error) {
    return { reason: `${binary} --version failed: ${(error as Error).message}` };
  }
}

/**
 * Whether a MariaDB can be started here, in the order `startMariaDb()` picks its backend: a
 * container runtime answers (testcontainers' probe, milliseconds without Docker), else the
 * server's programs are installed and `mariadbd --version` answers. Never throws.
 */
export async function mariadbAvailability(
  options: LocateMariaDbOptions & {
    /** Whether a container runtime answers. Default: testcontainers' own probe. */
    readonly containerRuntime?: () => Promise<boolean>;
  } = {},
): Promise<MariaDbAvailability> {
  if (await (options.containerRuntime ?? containerRuntimeAvailable)()) return { available: true, backend: 'container' };
  const located = locateMariaDb(options);
  if ('reason' in located) return { available: false, reason: located.reason };
  const version = await mariadbVersion(located.mariadbd);
  if ('reason' in version) return { available: false, reason: version.reason };
  return { available: true, backend: 'binary', binary: located.mariadbd, version: version.version };
}
