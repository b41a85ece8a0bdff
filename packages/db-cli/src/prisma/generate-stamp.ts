// What produced a database's generated client, written into the client folder after a successful
// `prisma generate`: when the schema Prisma read, the Prisma CLI's version and @prisma/client's
// version are all the same next time, `kusto-db generate` skips that database (`--force` does not).
// The generator settings are part of the schema's text, so its hash covers them.
import type { DatabaseFolder } from '@kusto/db';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { removeDatasourceUrl } from '../checks/remove-datasource-url.js';
import { legacyUrlEnvOf } from './legacy-schema.js';

/** File name of the stamp inside the client folder. */
export const GENERATE_STAMP_FILE = '.kusto-generate.json';

/** What a client was generated from. */
export interface GenerateStamp {
  /** sha256 (hex) of the schema text Prisma read (the copy without `url` for a Prisma 6 style schema). */
  readonly schemaSha256: string;
  readonly prisma: string | undefined;
  readonly prismaClient: string | undefined;
}

/** `@prisma/client`'s version as the generated client will resolve it (from the database folder). */
function prismaClientVersion(folder: DatabaseFolder): string | undefined {
  try {
    const manifest = createRequire(path.join(folder.dir, 'package.json')).resolve('@prisma/client/package.json');
    return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** The stamp a generate of `folder` would write now, from the schema file Prisma is given. */
export async function currentStamp(folder: DatabaseFolder, schemaPath: string, prismaVersion: string | undefined): Promise<GenerateStamp> {
  const schema = await fsp.readFile(schemaPath);
  return { schemaSha256: createHash('sha256').update(schema).digest('hex'), prisma: prismaVersion, prismaClient: prismaClientVersion(folder) };
}

/** Whether the client in `folder.clientDir` was generated from exactly `stamp` (and is still there). */
export function isUpToDate(folder: DatabaseFolder, stamp: GenerateStamp): boolean {
  if (!fs.existsSync(path.join(folder.clientDir, 'index.js'))) return false;
  try {
    const written = JSON.parse(fs.readFileSync(path.join(folder.clientDir, GENERATE_STAMP_FILE), 'utf8')) as Partial<GenerateStamp>;
    return written.schemaSha256 === stamp.schemaSha256 && written.prisma === stamp.prisma && written.prismaClient === stamp.prismaClient;
  } catch {
    return false;
  }
}

/** Writes the stamp beside a client Prisma just generated (nothing when no client is there). */
export async function writeStamp(folder: DatabaseFolder, stamp: GenerateStamp): Promise<void> {
  if (!fs.existsSync(path.join(folder.clientDir, 'index.js'))) return;
  await fsp.writeFile(path.join(folder.clientDir, GENERATE_STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
}

/** The schema text a generate hands Prisma: the file, or for a Prisma 6 style schema its copy without `url`. */
function schemaTextForGenerate(folder: DatabaseFolder): string {
  const text = fs.readFileSync(folder.schemaPath, 'utf8');
  return legacyUrlEnvOf(folder) === undefined ? text : (removeDatasourceUrl(text) ?? text);
}

/**
 * The generated client of `folder`: `missing`; `stale` when its stamp says it was generated from
 * another schema than the one in the folder now (run `kusto-db generate`); `current` when the stamp
 * matches; `unstamped` for a client generated without `kusto-db generate` (nothing to compare).
 */
export type ClientState = 'missing' | 'stale' | 'current' | 'unstamped';

export function clientState(folder: DatabaseFolder): ClientState {
  if (!fs.existsSync(path.join(folder.clientDir, 'index.js'))) return 'missing';
  let written: Partial<GenerateStamp>;
  try {
    written = JSON.parse(fs.readFileSync(path.join(folder.clientDir, GENERATE_STAMP_FILE), 'utf8')) as Partial<GenerateStamp>;
  } catch {
    return 'unstamped';
  }
  const now = createHash('sha256').update(schemaTextForGenerate(folder)).digest('hex');
  return written.schemaSha256 === now ? 'current' : 'stale';
}
