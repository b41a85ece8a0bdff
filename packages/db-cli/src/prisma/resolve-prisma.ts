import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CliError } from '../errors.js';

/** The Prisma CLI that `kusto-db` runs. */
export interface PrismaBin {
  /** The JavaScript entry point of the `prisma` bin, run with the current Node. */
  readonly entry: string;
  readonly version: string | undefined;
  /** Its `package.json`. */
  readonly manifest: string;
  /** Whether it came from the project or, as a fallback, from `@kusto/db-cli`'s own dependencies. */
  readonly from: 'project' | 'kusto-db';
}

interface PrismaManifest {
  readonly version?: string;
  readonly bin?: string | Readonly<Record<string, string>>;
}

function fromManifest(manifestPath: string, from: PrismaBin['from']): PrismaBin | undefined {
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as PrismaManifest;
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.['prisma'];
  if (!bin) return undefined;
  return { entry: path.resolve(path.dirname(manifestPath), bin), version: manifest.version, manifest: manifestPath, from };
}

/** The major version of Prisma kusto-db drives (its generators, config file and driver adapters are Prisma 7's). */
export const SUPPORTED_PRISMA_MAJOR = 7;

/** Refuses a Prisma CLI of another major version before anything runs, with the one-line fix. */
export function assertSupportedPrisma(bin: PrismaBin): PrismaBin {
  const major = bin.version === undefined ? undefined : Number.parseInt(bin.version, 10);
  if (major === undefined || Number.isNaN(major) || major === SUPPORTED_PRISMA_MAJOR) return bin;
  const where = bin.from === 'project' ? 'This project has' : 'kusto-db found';
  throw new CliError(
    'PRISMA_VERSION_UNSUPPORTED',
    `${where} prisma ${bin.version} (${bin.manifest}); kusto-db needs Prisma ${SUPPORTED_PRISMA_MAJOR}. Install it: pnpm add -D prisma@^${SUPPORTED_PRISMA_MAJOR} && pnpm add @prisma/client@^${SUPPORTED_PRISMA_MAJOR}`,
  );
}

/**
 * Finds the project-local `prisma` package (resolved from `projectDir`), falling back to the one
 * installed beside this package. Runs its bin file with Node, so no shell and no `.bin` shim.
 * A `prisma` of another major version is refused ({@link assertSupportedPrisma}).
 */
export function resolvePrismaBin(projectDir: string): PrismaBin {
  const places: [NodeRequire, PrismaBin['from']][] = [
    [createRequire(path.join(projectDir, 'package.json')), 'project'],
    [createRequire(import.meta.url), 'kusto-db'],
  ];
  for (const [require, from] of places) {
    let manifestPath: string;
    try {
      manifestPath = require.resolve('prisma/package.json');
    } catch {
      continue;
    }
    const bin = fromManifest(manifestPath, from);
    if (bin) return assertSupportedPrisma(bin);
  }
  throw new CliError('PRISMA_NOT_INSTALLED', 'The Prisma CLI is not installed in this project. Install it: pnpm add -D prisma@7');
}
