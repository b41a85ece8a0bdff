// The real `kusto-db` in a child process, as a user runs it: the bin's source through tsx (so no
// stale dist/), in a project folder, with only the environment the test gives it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageDir } from './project.js';

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** The bin's source file. */
export const binSource = path.join(packageDir, 'src/bin/kusto-db.ts');

export interface SpawnedRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout then stderr. */
  readonly text: string;
}

/** Variables every spawned run gets unless the test overrides them: no colours, no Prisma update checks. */
export function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NO_COLOR: '1',
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    ...extra,
  };
}

/** Node arguments that start the CLI from source. */
export function cliArgv(argv: readonly string[]): string[] {
  return ['--import', tsxLoader, binSource, ...argv];
}

/** Starts `kusto-db argv` in `cwd`; the caller owns the child. */
export function startKusto(cwd: string, argv: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, cliArgv(argv), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs `kusto-db argv` in `cwd` to its end (bounded by `timeoutMs`, default 60 s: then it is killed). */
export function runKusto(cwd: string, argv: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<SpawnedRun> {
  const child = startKusto(cwd, argv, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, stdout, stderr, text: `${stdout}${stderr}` });
    });
  });
}
