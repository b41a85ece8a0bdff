// What produced a database's generated client, written into the client folder after a successful
// `prisma generate`: when the schema Prisma read, the Prisma CLI's version and @prisma/client's
// version are all the same next time, `kusto-db generate` skips that database (`--force` does not).
// The generator settings are part of the schema's text, so its hash covers them.
import { clientModule, type DatabaseFolder } from '@kusto/db';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

import { GENERATE_STAMP_FILE } from '../targets/client-state.js';

export { GENERATE_STAMP_FILE };

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
  if (!clientModule(folder).generated) return false;
  try {
    const written = JSON.parse(fs.readFileSync(path.join(folder.clientDir, GENERATE_STAMP_FILE), 'utf8')) as Partial<GenerateStamp>;
    return written.schemaSha256 === stamp.schemaSha256 && written.prisma === stamp.prisma && written.prismaClient === stamp.prismaClient;
  } catch {
    return false;
  }
}

/** Writes the stamp beside a client Prisma just generated (nothing when no client is there). */
export async function writeStamp(folder: DatabaseFolder, stamp: GenerateStamp): Promise<void> {
  if (!clientModule(folder).generated) return;
  await fsp.writeFile(path.join(folder.clientDir, GENERATE_STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
}

