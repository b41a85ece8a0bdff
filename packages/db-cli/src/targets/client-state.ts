// Whether a database's generated client is missing, current or stale, read from the stamp
// `kusto-db generate` writes beside it (see prisma/generate-stamp.ts). Kept apart from the Prisma
// runner so `kusto-db list` loads nothing of it.
import { clientModule, type DatabaseFolder } from '@kusto/db';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { removeDatasourceUrl } from '../checks/remove-datasource-url.js';

/** File name of the stamp inside the client folder. */
export const GENERATE_STAMP_FILE = '.kusto-generate.json';

/** The schema text a generate hands Prisma: the file, or for a Prisma 6 style schema its copy without `url`. */
function schemaTextForGenerate(folder: DatabaseFolder): string {
  const text = fs.readFileSync(folder.schemaPath, 'utf8');
  return !folder.schema.hasUrl || folder.schema.urlEnv === undefined ? text : (removeDatasourceUrl(text) ?? text);
}

/**
 * The generated client of `folder`: `missing`; `stale` when its stamp says it was generated from
 * another schema than the one in the folder now (run `kusto-db generate`); `current` when the stamp
 * matches; `unstamped` for a client generated without `kusto-db generate` (nothing to compare).
 */
export type ClientState = 'missing' | 'stale' | 'current' | 'unstamped';

export function clientState(folder: DatabaseFolder): ClientState {
  if (!clientModule(folder).generated) return 'missing';
  let written: { schemaSha256?: unknown };
  try {
    written = JSON.parse(fs.readFileSync(path.join(folder.clientDir, GENERATE_STAMP_FILE), 'utf8')) as { schemaSha256?: unknown };
  } catch {
    return 'unstamped';
  }
  const now = createHash('sha256').update(schemaTextForGenerate(folder)).digest('hex');
  return written.schemaSha256 === now ? 'current' : 'stale';
}
