import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Environment variable naming the `pgbouncer` program to run. */
export const PGBOUNCER_BINARY_ENV = 'PGBOUNCER_BINARY';

/** Where distribution packages install PgBouncer, tried after `PATH` (Debian puts it in `/usr/sbin`). */
export const PGBOUNCER_FALLBACK_PATHS: readonly string[] = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'];

const NOT_INSTALLED = `pgbouncer not installed (apt-get install pgbouncer), or set ${PGBOUNCER_BINARY_ENV} to its path`;

/** Whether PgBouncer can run here, and if not why (for `describe.skip` titles and error messages). */
export type PgBouncerAvailability =
  | { readonly available: true; readonly binary: string; readonly version: string }
  | { readonly available: false; readonly reason: string };

export interface LocatePgBouncerOptions {
  /** An explicit program path; wins over everything else. Default: none. */
  readonly binary?: string;
  /** Environment to read `PGBOUNCER_BINARY` and `PATH` from. Default `process.env`. */
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

/**
 * Finds the `pgbouncer` program: the `binary` option, else `PGBOUNCER_BINARY`, else `pgbouncer`
 * on `PATH`, else {@link PGBOUNCER_FALLBACK_PATHS}. An explicit path that is not executable is
 * reported as such rather than skipped.
 */
export function locatePgBouncer(options: LocatePgBouncerOptions = {}): { binary: string } | { reason: string } {
  const env = options.env ?? process.env;
  const isExecutable = options.isExecutable ?? isExecutableFile;
  const explicit = options.binary ?? (env[PGBOUNCER_BINARY_ENV] || undefined);
  if (explicit !== undefined) {
    const source = options.binary !== undefined ? 'the `binary` option' : PGBOUNCER_BINARY_ENV;
    return isExecutable(explicit) ? { binary: explicit } : { reason: `${source} (${explicit}) is not an executable file` };
  }
  const onPath = (env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => path.isAbsolute(dir))
    .map((dir) => path.join(dir, 'pgbouncer'));
  const found = [...onPath, ...PGBOUNCER_FALLBACK_PATHS].find((file) => isExecutable(file));
  return found ? { binary: found } : { reason: NOT_INSTALLED };
}

/**
 * Whether PgBouncer is installed and runs (`pgbouncer --version` answers), with its path and
 * version, or the reason it cannot be used. Never throws.
 */
export async function pgbouncerAvailability(options: LocatePgBouncerOptions = {}): Promise<PgBouncerAvailability> {
  const located = locatePgBouncer(options);
  if ('reason' in located) return { available: false, reason: located.reason };
  try {
    const { stdout } = await run(located.binary, ['--version'], { timeout: 10_000 });
    const version = /PgBouncer\s+(\S+)/.exec(stdout)?.[1];
    if (!version) return { available: false, reason: `${located.binary} --version did not print a PgBouncer version` };
    return { available: true, binary: located.binary, version };
  } catch (error) {
    return { available: false, reason: `${located.binary} --version failed: ${(error as Error).message}` };
  }
}
