import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Whether `file` is a regular file this process may execute. */
export function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** `program` in every absolute directory of `PATH`, in order. */
export function onPath(env: NodeJS.ProcessEnv, program: string): string[] {
  return (env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => path.isAbsolute(dir))
    .map((dir) => path.join(dir, program));
}

export interface LocateProgramOptions {
  /** An explicit program path; wins over everything else. Default: none. */
  readonly binary?: string;
  /** Environment to read the program's variable and `PATH` from. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Whether a path is an executable file. Default: {@link isExecutableFile}. */
  readonly isExecutable?: (file: string) => boolean;
}

export interface ProgramSpec {
  /** File name looked up on `PATH`. */
  readonly program: string;
  /** Environment variable naming its path. */
  readonly envVar: string;
  /** Paths tried after `PATH` (where distribution packages install it). */
  readonly fallbacks: readonly string[];
  /** The reason given when it is found nowhere (what to install or set). */
  readonly notInstalled: string;
}

/**
 * Finds a program: the `binary` option, else its environment variable, else `PATH`, else its
 * fallbacks. An explicit path that is not executable is reported as such rather than skipped.
 */
export function locateProgram(spec: ProgramSpec, options: LocateProgramOptions = {}): { binary: string } | { reason: string } {
  const env = options.env ?? process.env;
  const isExecutable = options.isExecutable ?? isExecutableFile;
  const explicit = options.binary ?? (env[spec.envVar] || undefined);
  if (explicit !== undefined) {
    const source = options.binary !== undefined ? 'the `binary` option' : spec.envVar;
    return isExecutable(explicit) ? { binary: explicit } : { reason: `${source} (${explicit}) is not an executable file` };
  }
  const found = [...onPath(env, spec.program), ...spec.fallbacks].find((file) => isExecutable(file));
  return found ? { binary: found } : { reason: spec.notInstalled };
}

/**
 * Runs `binary --version` (bounded 10 s) and reads the version with `pattern`'s first group; the
 * reason when it does not answer with one (`label` names what was expected). Never throws.
 */
export async function programVersion(binary: string, pattern: RegExp, label: string): Promise<{ version: string } | { reason: string }> {
  try {
    const { stdout } = await run(binary, ['--version'], { timeout: 10_000 });
    const version = pattern.exec(stdout)?.[1];
    return version ? { version } : { reason: `${binary} --version did not print a ${label} version` };
  } catch (error) {
    return { reason: `${binary} --version failed: ${(error as Error).message}` };
  }
}
