import { spawn as nodeSpawn, type SpawnOptions } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { envVarForDatabase, scrubSecrets, type DatabaseFolder } from '@kusto/db';
import { MigrationError } from './errors.js';

const require = createRequire(import.meta.url);

/** The part of a child process the seed runner uses. */
export interface SeedChildProcess {
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  on(event: 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}

/** Starts a process; default `node:child_process` `spawn`. */
export type SeedSpawn = (command: string, args: readonly string[], options: SpawnOptions) => SeedChildProcess;

/** Options of {@link runSeed}. */
export interface RunSeedOptions {
  /** The database folder (from `discoverDatabases`): its `seedPath`, `prismaConfigPath` and `dir`. */
  readonly folder: DatabaseFolder;
  /** Environment of the seed process. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /**
   * The database's URL, put into the seed's env under the database's variable
   * (`envVarForDatabase(folder.name)`, e.g. `RDS_USER_URL`). Default: the variable as `env` has it.
   */
  readonly url?: string | undefined;
  /** Receives the seed's output line by line (the CLI prefixes it with the database name). Default: written to this process's stdout/stderr. */
  readonly onOutput?: ((line: string, stream: 'stdout' | 'stderr') => void) | undefined;
  /** Starts processes. Default `node:child_process` `spawn`. */
  readonly spawn?: SeedSpawn | undefined;
  /** Monotonic milliseconds for `durationMs`. Default `performance.now`. */
  readonly monotonic?: (() => number) | undefined;
}

/** How the seed ran: the `prisma.config.ts` command, `seed.ts` through tsx, or `seed.js` through node. */
export type SeedSource = 'config' | 'tsx' | 'node';

/** Outcome of {@link runSeed}. */
export interface RunSeedResult {
  readonly database: string;
  readonly ok: boolean;
  /** `skipped`: the folder has no seed (see `reason`). */
  readonly outcome: 'seeded' | 'skipped' | 'failed';
  readonly reason: string | undefined;
  readonly source: SeedSource | undefined;
  /** What ran, for display. */
  readonly command: string | undefined;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly durationMs: number;
  readonly error: SeedFailedError | undefined;
}

export class SeedFailedError extends MigrationError {
  constructor(
    readonly database: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super('SEED_FAILED', `Seeding database "${database}" failed: ${detail}. Fix the seed and run it again.`, options);
  }
}

interface Command {
  readonly source: SeedSource;
  readonly command: string;
  readonly args: readonly string[];
  readonly shell: boolean;
  readonly display: string;
}

function tsxCli(): string {
  return require.resolve('tsx/cli');
}

function run(
  spawn: SeedSpawn,
  command: string,
  args: readonly string[],
  options: SpawnOptions,
  onLine: (line: string, stream: 'stdout' | 'stderr') => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of ['stdout', 'stderr'] as const) {
      let buffered = '';
      const source = child[stream];
      source?.setEncoding('utf8');
      source?.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) onLine(line, stream);
      });
      source?.on('end', () => {
        if (buffered !== '') onLine(buffered, stream);
        buffered = '';
      });
    }
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
}

/** Reads `migrations.seed` from a `prisma.config.ts` by loading it in a child process (through tsx). */
async function readConfigSeed(spawn: SeedSpawn, configPath: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const script =
    `const config = await import(${JSON.stringify(pathToFileURL(configPath).href)});` +
    'const value = (config.default ?? config)?.migrations?.seed;' +
    'process.stdout.write(JSON.stringify(typeof value === "string" ? value : null));';
  let output = '';
  const errors: string[] = [];
  const { code } = await run(
    spawn,
    process.execPath,
    ['--import', pathToFileURL(require.resolve('tsx')).href, '--input-type=module', '--eval', script],
    { cwd: path.dirname(configPath), env },
    (line, stream) => (stream === 'stdout' ? (output += line) : errors.push(line)),
  );
  if (code !== 0) throw new Error(`could not load ${configPath}: ${errors.join('\n').trim() || `exit code ${String(code)}`}`);
  const value = JSON.parse(output) as string | null;
  return value ?? undefined;
}

async function chooseCommand(spawn: SeedSpawn, folder: DatabaseFolder, env: NodeJS.ProcessEnv): Promise<Command | undefined> {
  if (folder.prismaConfigPath) {
    const seed = await readConfigSeed(spawn, folder.prismaConfigPath, env);
    if (seed) return { source: 'config', command: seed, args: [], shell: true, display: seed };
  }
  if (!folder.seedPath) return undefined;
  const file = folder.seedPath;
  if (/\.m?ts$/.test(file)) {
    return { source: 'tsx', command: process.execPath, args: [tsxCli(), file], shell: false, display: `tsx ${path.basename(file)}` };
  }
  return { source: 'node', command: process.execPath, args: [file], shell: false, display: `node ${path.basename(file)}` };
}

/**
 * `env` with the `node_modules/.bin` folders from `dir` up to the root, then this package's own
 * (where `tsx` is), in front of `PATH`: a config command such as `tsx seed.ts` then finds the
 * tools the project and kusto-db installed, as `npm run` scripts do.
 */
export function withLocalBins(env: NodeJS.ProcessEnv, dir: string): NodeJS.ProcessEnv {
  const bins: string[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    bins.push(path.join(current, 'node_modules', '.bin'));
    if (path.dirname(current) === current) break;
  }
  // This package's own bin folder (src or dist → package root): where pnpm links tsx.
  bins.push(fileURLToPath(new URL('../node_modules/.bin', import.meta.url)));
  const pathKey = Object.keys(env).find((key) => key.toUpperCase() === 'PATH') ?? 'PATH';
  return { ...env, [pathKey]: [...bins, env[pathKey]].filter(Boolean).join(path.delimiter) };
}

/**
 * Seeds one database: the `migrations.seed` command of its `prisma.config.ts` when it has one
 * (run through the shell in the folder, as Prisma does), else `seed.ts`/`seed.mts` with tsx, else
 * `seed.js`/`seed.mjs` with node — with the database's URL in the environment. A folder without a
 * seed is `skipped`, not an error. Never throws.
 */
export async function runSeed(options: RunSeedOptions): Promise<RunSeedResult> {
  const { folder } = options;
  const spawn = options.spawn ?? (nodeSpawn);
  const monotonic = options.monotonic ?? (() => performance.now());
  const onOutput =
    options.onOutput ?? ((line: string, stream: 'stdout' | 'stderr') => process[stream].write(`${line}\n`));
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  const urlVariable = envVarForDatabase(folder.name);
  if (options.url !== undefined) env[urlVariable] = options.url;
  const url = env[urlVariable];
  const started = monotonic();
  const base = { database: folder.name, signal: null, exitCode: null } as const;

  let command: Command | undefined;
  try {
    command = await chooseCommand(spawn, folder, env);
  } catch (error) {
    const detail = scrubSecrets((error as Error).message, url);
    return { ...base, ok: false, outcome: 'failed', reason: undefined, source: undefined, command: undefined, durationMs: monotonic() - started, error: new SeedFailedError(folder.name, detail, { cause: error }) };
  }
  if (!command) {
    return { ...base, ok: true, outcome: 'skipped', reason: 'no seed.ts/seed.js and no migrations.seed in prisma.config.ts', source: undefined, command: undefined, durationMs: monotonic() - started, error: undefined };
  }
  try {
    const commandEnv = command.shell ? withLocalBins(env, folder.dir) : env;
    const { code, signal } = await run(spawn, command.command, command.args, { cwd: folder.dir, env: commandEnv, shell: command.shell }, (line, stream) =>
      onOutput(scrubSecrets(line, url), stream),
    );
    const ok = code === 0;
    return {
      ...base,
      ok,
      outcome: ok ? 'seeded' : 'failed',
      reason: undefined,
      source: command.source,
      command: command.display,
      exitCode: code,
      signal,
      durationMs: monotonic() - started,
      error: ok ? undefined : new SeedFailedError(folder.name, `\`${command.display}\` exited with ${signal ? `signal ${signal}` : `code ${String(code)}`}`),
    };
  } catch (error) {
    return {
      ...base,
      ok: false,
      outcome: 'failed',
      reason: undefined,
      source: command.source,
      command: command.display,
      durationMs: monotonic() - started,
      error: new SeedFailedError(folder.name, scrubSecrets((error as Error).message, url), { cause: error }),
    };
  }
}
