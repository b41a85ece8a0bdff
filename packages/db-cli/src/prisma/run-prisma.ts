import type { ChildProcess } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import type { DatabaseFolder } from '@kusto/db';
import { EXIT_CANCELLED } from '../command.js';
import type { CliContext } from '../context.js';
import { preparePrismaConfig } from './prisma-config.js';
import { resolvePrismaBin } from './resolve-prisma.js';

export interface PrismaRun {
  readonly folder: DatabaseFolder;
  /** Variable the synthesised config reads the URL from (by name), and the one a folder's own config reads. */
  readonly envVar: string;
  /**
   * When set, Prisma connects with the URL in this variable (the database's direct URL) instead of
   * `envVar`'s: the synthesised config reads it by name; a folder's own `prisma.config.ts`, which
   * reads `envVar`, finds this URL there for this run only (Prisma 7's config has no `directUrl`).
   */
  readonly directEnvVar?: string | undefined;
  /** Prisma arguments before `--config`, e.g. `['migrate', 'dev', '--name', name]`. */
  readonly args: readonly string[];
  readonly projectDir: string;
  /**
   * `inherit` (default) gives Prisma the terminal, for interactive commands and live output;
   * `capture` collects its output for the progress line (parallel work); Prisma colours some of
   * it whatever the terminal, so its escape codes are removed unless `context.colors` is true.
   */
  readonly stdio?: 'inherit' | 'capture';
  /**
   * Whether the command talks to Prisma's schema engine. Default true. `generate`, `validate` and
   * `studio` do not, yet Prisma downloads the engine before any command and fails on a closed
   * network; for them, unless `PRISMA_SCHEMA_ENGINE_BINARY` is already set, it is pointed at an
   * executable that exists everywhere (this Node binary) so no download is attempted.
   */
  readonly usesSchemaEngine?: boolean;
}

export interface PrismaResult {
  /** Prisma's exit code; 130 when interrupted; 128 + signal number when killed otherwise. */
  readonly exitCode: number;
  readonly output: string;
  readonly interrupted: boolean;
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** The environment for Prisma: see {@link PrismaRun.usesSchemaEngine}. */
export function prismaEnv(env: NodeJS.ProcessEnv, usesSchemaEngine: boolean): NodeJS.ProcessEnv {
  if (usesSchemaEngine || env.PRISMA_SCHEMA_ENGINE_BINARY) return env;
  return { ...env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath };
}

/** For a folder's own config and a direct URL: `envVar` holds the direct URL in Prisma's environment. */
function urlEnv(env: NodeJS.ProcessEnv, run: PrismaRun, synthesized: boolean): NodeJS.ProcessEnv {
  if (run.directEnvVar === undefined || synthesized) return env;
  return { ...env, [run.envVar]: env[run.directEnvVar] };
}

/**
 * Runs the project's Prisma CLI for one database: argv array, no shell, cwd = the database folder,
 * `--config` = its `prisma.config.ts` or a synthesised one that is removed afterwards, also on
 * Ctrl+C (which is passed on to Prisma).
 */
export async function runPrisma(
  run: PrismaRun,
  context: Pick<CliContext, 'env' | 'spawn' | 'onInterrupt'> & Partial<Pick<CliContext, 'colors'>>,
): Promise<PrismaResult> {
  const bin = resolvePrismaBin(run.projectDir);
  let interrupted = false;
  let child: ChildProcess | undefined;
  const unsubscribe = context.onInterrupt((signal) => {
    interrupted = true;
    child?.kill(signal);
  });
  const config = await preparePrismaConfig(run.folder, run.directEnvVar ?? run.envVar).catch((error: unknown) => {
    unsubscribe();
    throw error;
  });
  try {
    if (interrupted) return { exitCode: EXIT_CANCELLED, output: '', interrupted };
    const capture = run.stdio === 'capture';
    const started = context.spawn(process.execPath, [bin.entry, ...run.args, '--config', config.path], {
      cwd: run.folder.dir,
      env: urlEnv(prismaEnv(context.env, run.usesSchemaEngine ?? true), run, config.synthesized),
      stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      shell: false,
    });
    child = started;
    let output = '';
    started.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    started.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exitCode = await new Promise<number>((resolve, reject) => {
      started.once('error', reject);
      started.once('close', (code, signal) => resolve(code ?? 128 + (signal ? (SIGNAL_NUMBERS[signal] ?? 0) : 0)));
    });
    return { exitCode: interrupted ? EXIT_CANCELLED : exitCode, output: context.colors === true ? output : stripVTControlCharacters(output), interrupted };
  } finally {
    unsubscribe();
    await config.dispose();
  }
}
