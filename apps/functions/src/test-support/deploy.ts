import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeFileTrace } from '@vercel/nft';
import { bundleFunction } from '../../scripts/bundle.mjs';

/** The functions app's folder. */
export const APP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The workspace root: the base every traced path is relative to. */
const WORKSPACE_DIR = path.resolve(APP_DIR, '..', '..');

export type BundleFormat = 'esm' | 'cjs';

/** better-sqlite3's compiled addon: the one file a bundler cannot carry. */
export function betterSqliteAddon(): string {
  const entry = createRequire(path.join(APP_DIR, 'package.json')).resolve('better-sqlite3');
  return path.join(path.dirname(entry), '..', 'build', 'Release', 'better_sqlite3.node');
}

/** A new empty folder under the OS temp dir. */
export function emptyFolder(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `kusto-${label}-`));
}

/**
 * Bundles `src/<entry>.ts` into one file (`scripts/bundle.mjs`), alone in an empty folder with
 * better-sqlite3's addon beside it.
 */
export async function bundleAlone(entry: 'server' | 'handler', format: BundleFormat): Promise<string> {
  const dir = emptyFolder(`bundle-${entry}-${format}`);
  const outfile = path.join(dir, format === 'esm' ? `${entry}.mjs` : `${entry}.cjs`);
  await bundleFunction({ entry: path.join(APP_DIR, 'src', `${entry}.ts`), outfile, format });
  fs.copyFileSync(betterSqliteAddon(), path.join(dir, 'better_sqlite3.node'));
  return outfile;
}

/**
 * Traces `dist/<entry>.js` with `@vercel/nft`, as Vercel does for a function, and copies only the
 * traced files (symlinks as symlinks, the way pnpm lays out node_modules) into an empty folder,
 * keeping their paths relative to the workspace. Returns the copied entry.
 */
export async function traceAlone(entry: 'server' | 'handler'): Promise<{ file: string; files: number }> {
  const dir = emptyFolder(`traced-${entry}`);
  const start = path.join(APP_DIR, 'dist', `${entry}.js`);
  // `module-sync` named explicitly: nft 1.11 skips that condition inside an array of exports
  // (async-function, under Express), while Node >= 20.19 loads exactly that file (seen: "Cannot find
  // module …/async-function/require.mjs" from the traced copy).
  const { fileList } = await nodeFileTrace([start], { base: WORKSPACE_DIR, conditions: ['node', 'module-sync'] });
  for (const relative of fileList) {
    const from = path.join(WORKSPACE_DIR, relative);
    const to = path.join(dir, relative);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    const stat = fs.lstatSync(from);
    if (stat.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
    else if (stat.isFile()) fs.copyFileSync(from, to);
  }
  return { file: path.join(dir, path.relative(WORKSPACE_DIR, start)), files: fileList.size };
}

export interface RunningFunction {
  readonly process: ChildProcess;
  readonly base: string;
  readonly exited: Promise<number | null>;
  output(): string;
  /** Sends SIGTERM and waits for the exit code (SIGKILL after 10 s, reported as null). */
  stop(): Promise<number | null>;
}

/** Starts a bundled or traced server file with `env` (and nothing of this process's `RDS_*`), from its own folder. */
export async function startServer(file: string, env: Record<string, string>): Promise<RunningFunction> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('RDS_')));
  const child = spawn(process.execPath, [file], { cwd: path.dirname(file), env: { ...inherited, ...env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    void exited.then((code) => reject(new Error(`${path.basename(file)} exited with ${code} before listening:\n${output}`)));
  });
  return {
    process: child,
    base: `http://127.0.0.1:${port}`,
    exited,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
