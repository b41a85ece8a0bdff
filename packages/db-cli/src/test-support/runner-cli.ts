// Test helpers for the native-runner commands: projects whose databases have migration folders,
// and `runCli` with a recording prompt, an instant countdown and a Ctrl+C the test can press.
import path from 'node:path';
import { runCli } from '../cli.js';
import type { InterruptSource } from '../context.js';
import { writeMigrations, type MigrationSpec } from '@kusto/test-servers/migration-fixtures';
import type { PromptQuestion } from '../safety/prompt.js';
import { capture, createProject, schemaFor, USER_MODELS } from './project.js';

/** One database folder: its migrations and any other files (e.g. `seed.ts`). */
export interface RunnerDatabaseSpec {
  readonly migrations?: Readonly<Record<string, MigrationSpec>>;
  readonly files?: Readonly<Record<string, string>>;
}

/** A project under `.fixtures` with `src/app/db/<name>/schema.prisma` (Postgres unless `provider` says otherwise) and the given migrations. */
export async function createRunnerProject(
  prefix: string,
  databases: Readonly<Record<string, RunnerDatabaseSpec>>,
  provider: 'postgresql' | 'mysql' | 'sqlite' = 'postgresql',
): Promise<string> {
  const project = await createProject(
    prefix,
    Object.fromEntries(Object.entries(databases).map(([name, spec]) => [name, { 'schema.prisma': schemaFor(provider, USER_MODELS), ...spec.files }])),
  );
  for (const [name, spec] of Object.entries(databases)) {
    if (spec.migrations) writeMigrations(migrationsDirOf(project, name), spec.migrations, provider);
  }
  return project;
}

export function migrationsDirOf(project: string, database: string): string {
  return path.join(project, 'src', 'app', 'db', database, 'migrations');
}

export interface KustoRun {
  readonly exitCode: number;
  readonly out: string[];
  readonly err: string[];
  /** stdout and stderr together. */
  readonly text: string;
  /** The codes the prompt showed, one per question. */
  readonly asked: string[];
  /** Milliseconds of every countdown sleep. */
  readonly sleeps: number[];
}

export interface KustoRunOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly interactive?: boolean;
  /** What the person types for each code shown. Default: the code itself. */
  readonly answer?: (code: string) => string | undefined;
  /** Press Ctrl+C during the countdown sleep number `n` (1-based). Default: never. */
  readonly interruptAtSleep?: number;
}

/** Runs `kusto-db argv` in `project` in-process. Countdown sleeps return at once (and are recorded). */
export async function kusto(project: string, argv: readonly string[], options: KustoRunOptions): Promise<KustoRun> {
  const output = capture();
  const asked: string[] = [];
  const sleeps: number[] = [];
  const listeners = new Set<(signal: NodeJS.Signals) => void>();
  const onInterrupt: InterruptSource = (listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  const exitCode = await runCli(argv, {
    cwd: project,
    env: { PATH: process.env.PATH, ...options.env },
    io: output.io,
    interactive: options.interactive ?? false,
    prompt: (question: PromptQuestion) => {
      const code = /Type (\S+) to/.exec(question.message)?.[1] ?? '';
      asked.push(code);
      return Promise.resolve((options.answer ?? ((shown: string) => shown))(code));
    },
    onInterrupt,
    sleep: (ms) => {
      sleeps.push(ms);
      if (sleeps.length === options.interruptAtSleep) for (const listener of [...listeners]) listener('SIGINT');
      return Promise.resolve();
    },
  });
  return { exitCode, out: output.out, err: output.err, text: output.text(), asked, sleeps };
}

/** The password of a database URL, to check it never reaches the output. */
export function passwordOf(url: string): string {
  return decodeURIComponent(new URL(url).password);
}
