// The project's `.env` (or `--env-file <path>`), read before anything looks at a URL. Parsed by
// Node's own `util.parseEnv` (the parser behind `node --env-file`), so a file that works with
// `node --env-file` means the same here. Variables already in the environment always win.
import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { CliError } from '../errors.js';

/** The file read when `--env-file` is not given, relative to the project directory. */
export const DEFAULT_ENV_FILE = '.env';

/** Which env file a run read, for `debug`, `list` and messages about a missing variable. */
export interface EnvFileSource {
  /** Absolute path of the file looked for. */
  readonly path: string;
  /** `loaded`: read; `absent`: the default `.env` does not exist (not an error). */
  readonly state: 'loaded' | 'absent';
  /** Whether it was named with `--env-file` (else it is the project's `.env`). */
  readonly explicit: boolean;
  /** Variables the file set in this run. */
  readonly applied: readonly string[];
  /** Variables the file also defines but the environment already had: kept as they were. */
  readonly kept: readonly string[];
}

export interface LoadEnvFileOptions {
  /** Where the default `.env` is looked for (the project, `--cwd`). */
  readonly projectDir: string;
  /**
   * `--env-file`, relative to `baseDir` (the current directory, as Node resolves its own
   * `--env-file`, which it also checks when it comes after the script name: nodejs/node#54232).
   * Default: {@link DEFAULT_ENV_FILE} in `projectDir`, silently absent when missing.
   */
  readonly envFile?: string | undefined;
  /** Base of a relative `envFile`. Default `projectDir`. */
  readonly baseDir?: string | undefined;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Returns a new environment: `env` plus the variables of the env file that `env` does not have
 * (never overriding one already set, even to an empty string), and where they came from. A file
 * named with `--env-file` that cannot be read is a {@link CliError}; a missing default `.env` is not.
 */
export function loadEnvFile(options: LoadEnvFileOptions): { env: NodeJS.ProcessEnv; source: EnvFileSource } {
  const explicit = options.envFile !== undefined;
  const file = explicit ? path.resolve(options.baseDir ?? options.projectDir, options.envFile) : path.join(options.projectDir, DEFAULT_ENV_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!explicit && (code === 'ENOENT' || code === 'ENOTDIR')) {
      return { env: options.env, source: { path: file, state: 'absent', explicit, applied: [], kept: [] } };
    }
    throw new CliError('FILE_UNREADABLE', `Cannot read the env file ${file} (${code ?? (error as Error).message}).`, { cause: error });
  }
  const parsed = parseEnv(text);
  const env: NodeJS.ProcessEnv = { ...options.env };
  const applied: string[] = [];
  const kept: string[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (value === undefined) continue;
    if (Object.hasOwn(options.env, name)) {
      kept.push(name);
      continue;
    }
    env[name] = value;
    applied.push(name);
  }
  return { env, source: { path: file, state: 'loaded', explicit, applied, kept } };
}

/** One line for `debug` and `list`: which file was read, relative to the project. */
export function describeEnvFile(source: EnvFileSource, projectDir: string): string {
  const relative = path.relative(projectDir, source.path);
  const shown = relative && !relative.startsWith('..') ? relative : source.path;
  if (source.state === 'absent') return `no ${shown} in ${projectDir} (none loaded; --env-file <path> reads another file)`;
  const kept = source.kept.length > 0 ? `; already set, kept: ${source.kept.join(', ')}` : '';
  return `${shown} loaded (${source.applied.length} variable${source.applied.length === 1 ? '' : 's'} set${kept})`;
}

/**
 * What a message about a missing variable adds: whether `variable` could have come from the env
 * file, e.g. `(.env was read and does not set it)`.
 */
export function missingVariableHint(source: EnvFileSource | undefined, variables: readonly string[]): string {
  if (!source) return '';
  const named = variables.join(' or ');
  if (source.state === 'absent') return `Not set (or empty) in the environment, and there is no ${source.path} to read it from (or pass --env-file <path>).`;
  return `Not set (or empty) in the environment, nor in ${source.path}, which was read${named ? ` (add ${named}=… there)` : ''}.`;
}
