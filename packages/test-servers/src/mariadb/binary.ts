import path from 'node:path';
import { containerRuntimeAvailable } from '../container/restartable-container.js';
import { isExecutableFile, locateProgram, onPath, programVersion, type LocateProgramOptions } from '../programs/locate-program.js';

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

/** Where to look for `mariadbd` (`binary` is an explicit `mariadbd` path). */
export type LocateMariaDbOptions = LocateProgramOptions;

/**
 * Finds `mariadbd` (the `binary` option, else `MARIADB_BINARY`, else `PATH`, else
 * {@link MARIADB_FALLBACK_PATHS}) and `mariadb-install-db` (beside it, on `PATH`, or `/usr/bin`).
 * An explicit path that is not executable is reported as such rather than skipped.
 */
export function locateMariaDb(options: LocateMariaDbOptions = {}): MariaDbPrograms | { reason: string } {
  const env = options.env ?? process.env;
  const isExecutable = options.isExecutable ?? isExecutableFile;
  const located = locateProgram({ program: 'mariadbd', envVar: MARIADB_BINARY_ENV, fallbacks: MARIADB_FALLBACK_PATHS, notInstalled: NOT_INSTALLED }, options);
  if ('reason' in located) return located;
  const mariadbd = located.binary;
  const installDb = [
    path.join(path.dirname(mariadbd), MARIADB_INSTALL_DB),
    ...onPath(env, MARIADB_INSTALL_DB),
    path.join('/usr/bin', MARIADB_INSTALL_DB),
  ].find((file) => isExecutable(file));
  if (!installDb) return { reason: `${MARIADB_INSTALL_DB} not found beside ${mariadbd}, on PATH or in /usr/bin` };
  return { mariadbd, installDb };
}

/** Runs `mariadbd --version`; the version, or the reason it did not answer with one. */
export function mariadbVersion(binary: string): Promise<{ version: string } | { reason: string }> {
  return programVersion(binary, /Ver\s+(\S+)/, 'MariaDB');
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
