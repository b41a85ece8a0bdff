import { locateProgram, programVersion, type LocateProgramOptions } from '../programs/locate-program.js';

/** Environment variable naming the `pgbouncer` program to run. */
export const PGBOUNCER_BINARY_ENV = 'PGBOUNCER_BINARY';

/** Where distribution packages install PgBouncer, tried after `PATH` (Debian puts it in `/usr/sbin`). */
export const PGBOUNCER_FALLBACK_PATHS: readonly string[] = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'];

const NOT_INSTALLED = `pgbouncer not installed (apt-get install pgbouncer), or set ${PGBOUNCER_BINARY_ENV} to its path`;

/** Whether PgBouncer can run here, and if not why (for `describe.skip` titles and error messages). */
export type PgBouncerAvailability =
  | { readonly available: true; readonly binary: string; readonly version: string }
  | { readonly available: false; readonly reason: string };

export type LocatePgBouncerOptions = LocateProgramOptions;

/**
 * Finds the `pgbouncer` program: the `binary` option, else `PGBOUNCER_BINARY`, else `pgbouncer`
 * on `PATH`, else {@link PGBOUNCER_FALLBACK_PATHS}. An explicit path that is not executable is
 * reported as such rather than skipped.
 */
export function locatePgBouncer(options: LocatePgBouncerOptions = {}): { binary: string } | { reason: string } {
  return locateProgram({ program: 'pgbouncer', envVar: PGBOUNCER_BINARY_ENV, fallbacks: PGBOUNCER_FALLBACK_PATHS, notInstalled: NOT_INSTALLED }, options);
}

/**
 * Whether PgBouncer is installed and runs (`pgbouncer --version` answers), with its path and
 * version, or the reason it cannot be used. Never throws.
 */
export async function pgbouncerAvailability(options: LocatePgBouncerOptions = {}): Promise<PgBouncerAvailability> {
  const located = locatePgBouncer(options);
  if ('reason' in located) return { available: false, reason: located.reason };
  const version = await programVersion(located.binary, /PgBouncer\s+(\S+)/, 'PgBouncer');
  if ('reason' in version) return { available: false, reason: version.reason };
  return { available: true, binary: located.binary, version: version.version };
}
