// Whether Prisma's schema engine (a native binary) is there for the commands that need it, found
// out before any prompt. Mirrors where Prisma 7.10's fetch-engine looks before it downloads
// (prisma/prisma packages/fetch-engine: `env.ts` for the variables, `utils.ts` getRootCacheDir for
// the cache, `download.ts` for the file names): `PRISMA_SCHEMA_ENGINE_BINARY`, then
// `@prisma/engines/schema-engine-<target>`, then `<cache>/master/<engines hash>/<target>/schema-engine`.
// When none is there Prisma downloads it from `PRISMA_ENGINES_MIRROR` (default binaries.prisma.sh):
// a bounded TCP connect tells whether that can work.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseFolder } from '@kusto/db';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { resolvePrismaBin } from './resolve-prisma.js';

/** Where Prisma downloads engines from when it has none. */
export const DEFAULT_ENGINES_MIRROR = 'https://binaries.prisma.sh';
/** How long the download server may take to accept a TCP connection. */
export const DEFAULT_MIRROR_PROBE_TIMEOUT_MS = 3000;

/** The outcome of {@link findSchemaEngine}. */
export type SchemaEngineAvailability =
  | { readonly state: 'available'; readonly source: 'env' | 'engines-package' | 'cache' | 'download'; readonly path: string }
  | { readonly state: 'unavailable'; readonly reason: string; readonly looked: readonly string[] };

export interface FindSchemaEngineOptions {
  /** The project (Prisma is resolved from it, as `kusto-db` runs it). */
  readonly projectDir: string;
  /** Where `PRISMA_SCHEMA_ENGINE_BINARY` is resolved from (Prisma runs in the database folder). */
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** The `prisma` package.json in use (from `resolvePrismaBin`). */
  readonly prismaManifest: string | undefined;
  /** Default {@link DEFAULT_MIRROR_PROBE_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
}

/** Prisma's engine cache root (fetch-engine's getRootCacheDir). */
export function prismaCacheRoot(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'Prisma');
  if (env.AWS_LAMBDA_FUNCTION_VERSION) return '/tmp/prisma-download';
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, 'prisma');
  return path.join(env.HOME ?? os.homedir(), '.cache', 'prisma');
}

function resolveFrom(manifest: string, request: string): string | undefined {
  try {
    return createRequire(manifest).resolve(request);
  } catch {
    return undefined;
  }
}

/** `@prisma/engines`' folder and the engines commit hash, as the installed Prisma has them. */
function enginesOf(prismaManifest: string): { dir: string; hash: string | undefined } | undefined {
  const enginesManifest = resolveFrom(prismaManifest, '@prisma/engines/package.json');
  if (!enginesManifest) return undefined;
  const versionManifest = resolveFrom(enginesManifest, '@prisma/engines-version/package.json');
  let hash: string | undefined;
  if (versionManifest) {
    const version = (JSON.parse(fs.readFileSync(versionManifest, 'utf8')) as { version?: string }).version ?? '';
    hash = /\.([0-9a-f]{40})$/.exec(version)?.[1];
  }
  return { dir: path.dirname(enginesManifest), hash };
}

function firstEngineIn(dir: string, matches: (name: string) => boolean): string | undefined {
  try {
    const name = fs.readdirSync(dir).find(matches);
    return name === undefined ? undefined : path.join(dir, name);
  } catch {
    return undefined;
  }
}

/** Whether `mirror`'s host accepts a TCP connection within `timeoutMs` (no request is sent). */
export function probeMirror(mirror: string, timeoutMs: number): Promise<{ ok: true } | { ok: false; reason: string }> {
  let url: URL;
  try {
    url = new URL(mirror);
  } catch {
    return Promise.resolve({ ok: false, reason: `${mirror} is not a URL` });
  }
  const port = Number(url.port || (url.protocol === 'http:' ? 80 : 443));
  return new Promise((resolve) => {
    const socket = net.connect({ host: url.hostname, port });
    const finish = (result: { ok: true } | { ok: false; reason: string }) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ok: false, reason: `no answer within ${timeoutMs} ms` }), timeoutMs);
    socket.once('connect', () => finish({ ok: true }));
    socket.once('error', (error: NodeJS.ErrnoException) => finish({ ok: false, reason: error.code ?? error.message }));
  });
}

/** Finds the schema engine Prisma would use, or whether it could download one. Never throws. */
export async function findSchemaEngine(options: FindSchemaEngineOptions): Promise<SchemaEngineAvailability> {
  const { env } = options;
  const variable = env.PRISMA_SCHEMA_ENGINE_BINARY ? 'PRISMA_SCHEMA_ENGINE_BINARY' : env.PRISMA_MIGRATION_ENGINE_BINARY ? 'PRISMA_MIGRATION_ENGINE_BINARY' : undefined;
  if (variable) {
    const file = path.resolve(options.cwd, env[variable]!);
    if (fs.existsSync(file)) return { state: 'available', source: 'env', path: file };
    return { state: 'unavailable', reason: `${variable} is set to ${env[variable]!}, which does not exist`, looked: [file] };
  }
  const looked: string[] = [];
  const engines = options.prismaManifest ? enginesOf(options.prismaManifest) : undefined;
  if (engines) {
    looked.push(path.join(engines.dir, 'schema-engine-<platform>'));
    const inPackage = firstEngineIn(engines.dir, (name) => name.startsWith('schema-engine-') && !name.endsWith('.sha256') && !name.endsWith('.gz'));
    if (inPackage) return { state: 'available', source: 'engines-package', path: inPackage };
    if (engines.hash) {
      const versionDir = path.join(prismaCacheRoot(env), 'master', engines.hash);
      looked.push(path.join(versionDir, '<platform>', 'schema-engine'));
      for (const target of fs.existsSync(versionDir) ? fs.readdirSync(versionDir) : []) {
        const cached = path.join(versionDir, target, 'schema-engine');
        if (fs.existsSync(cached)) return { state: 'available', source: 'cache', path: cached };
      }
    }
  }
  const mirror = env.PRISMA_BINARIES_MIRROR || env.PRISMA_ENGINES_MIRROR || DEFAULT_ENGINES_MIRROR;
  const probe = await probeMirror(mirror, options.timeoutMs ?? DEFAULT_MIRROR_PROBE_TIMEOUT_MS);
  if (probe.ok) return { state: 'available', source: 'download', path: mirror };
  return { state: 'unavailable', reason: `Prisma has no engine yet and cannot download one from ${mirror} (${probe.reason})`, looked };
}

/** The refusal: not reachable, how to provide it, what works without it. */
export class SchemaEngineUnavailableError extends CliError {
  constructor(action: string, availability: Extract<SchemaEngineAvailability, { state: 'unavailable' }>) {
    const looked = availability.looked.length > 0 ? ` Looked in: ${availability.looked.join(', ')}.` : '';
    super(
      'SCHEMA_ENGINE_UNAVAILABLE',
      `kusto-db ${action} needs Prisma's schema engine, which is not reachable: ${availability.reason}.${looked} Nothing was run.\n` +
        'Provide it: set PRISMA_SCHEMA_ENGINE_BINARY to a schema-engine binary for this platform, set PRISMA_ENGINES_MIRROR to a mirror ' +
        "you can reach, or run any engine command once where binaries.prisma.sh is reachable (Prisma keeps the engine in its cache).\n" +
        'Without it these work: kusto-db migrate -t deploy / -t status / rollback / migrate -t resolve, execute, seed, validate, generate, ' +
        'and migrations written by hand (or generated elsewhere) as migrations/<name>/migration.sql.',
    );
  }
}

/**
 * Refuses `action` at once ({@link SchemaEngineUnavailableError}) unless Prisma's schema engine is
 * there or can be downloaded. Call it before any prompt.
 */
export async function requireSchemaEngine(action: string, folder: DatabaseFolder, projectDir: string, context: Pick<CliContext, 'env'>): Promise<void> {
  const bin = resolvePrismaBin(projectDir);
  const availability = await findSchemaEngine({ projectDir, cwd: folder.dir, env: context.env, prismaManifest: bin.manifest });
  if (availability.state === 'unavailable') throw new SchemaEngineUnavailableError(action, availability);
}
