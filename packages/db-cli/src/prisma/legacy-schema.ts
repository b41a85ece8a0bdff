// A Prisma 6 style schema (`url = env("X")` in its datasource, which Prisma 7 rejects with P1012)
// handed to Prisma as it would be after `kusto-db upgrade-schema`: a copy without the url line in a
// private temp dir, the URL read from X through a synthesised config. The user's files are never
// changed and no URL is written anywhere. For `generate`, the copy's relative `output` lands in the
// temp dir too, so the generated client is byte-identical to one generated from the upgraded
// schema (Prisma embeds the schema's text, not its path); it is then copied to the folder.
import type { DatabaseFolder } from '@kusto/db';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { removeDatasourceUrl } from '../checks/remove-datasource-url.js';

/** A folder with `url = env("X")` in its schema: X. */
export function legacyUrlEnvOf(folder: DatabaseFolder): string | undefined {
  return folder.schema.hasUrl ? folder.schema.urlEnv : undefined;
}

/** The warning printed once per run, naming every such database. */
export function legacySchemaWarning(folders: readonly DatabaseFolder[]): string | undefined {
  const legacy = folders.filter((folder) => legacyUrlEnvOf(folder) !== undefined);
  if (legacy.length === 0) return undefined;
  const names = legacy.map((folder) => `"${folder.name}" (url = env("${legacyUrlEnvOf(folder)!}"))`).join(', ');
  const fix = legacy.length === 1 ? `kusto-db upgrade-schema -d ${legacy[0]!.name}` : 'kusto-db upgrade-schema -a';
  return (
    `The schema of ${names} has a Prisma 6 style url, which Prisma 7 rejects: kusto-db gave Prisma a copy without it ` +
    `(the URL comes from that variable through the config). Run ${fix} to move it out for good.`
  );
}

/** The folder as Prisma sees it for one run; `finish()` brings the generated client home, `dispose()` removes the copy. */
export interface PreparedSchema {
  /** The folder, or a view of it whose `schemaPath` is the copy and which has no `prismaConfigPath` of its own. */
  readonly folder: DatabaseFolder;
  readonly legacy: boolean;
  /** After a successful `prisma generate`: replaces the folder's client with the one generated beside the copy. */
  finish(): Promise<void>;
  dispose(): Promise<void>;
}

/** The nearest `node_modules` at or above `dir` holding `@prisma/client` (Prisma resolves it from the schema's folder). */
function nodeModulesWithClient(dir: string): string | undefined {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const candidate = path.join(current, 'node_modules');
    if (fs.existsSync(path.join(candidate, '@prisma', 'client', 'package.json'))) return candidate;
    if (path.dirname(current) === current) return undefined;
  }
}

/** A relative generator output, as Prisma resolves it against the schema's folder; undefined when absolute or unset. */
function relativeOutput(folder: DatabaseFolder): string | undefined {
  const output = folder.schema.generatorOutput;
  return output !== undefined && !path.isAbsolute(output) ? output : undefined;
}

/**
 * The folder as is when its schema has no `url = env(...)`; otherwise a copy of the schema without
 * the url line in a new private temp dir (mode 700) with a `node_modules` link to the project's.
 */
export async function prepareSchema(folder: DatabaseFolder): Promise<PreparedSchema> {
  if (legacyUrlEnvOf(folder) === undefined) {
    return { folder, legacy: false, finish: () => Promise.resolve(), dispose: () => Promise.resolve() };
  }
  const upgraded = removeDatasourceUrl(await fsp.readFile(folder.schemaPath, 'utf8'));
  if (upgraded === undefined) return { folder, legacy: false, finish: () => Promise.resolve(), dispose: () => Promise.resolve() };
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kusto-db-schema-'));
  const dispose = () => fsp.rm(dir, { recursive: true, force: true });
  try {
    await fsp.chmod(dir, 0o700);
    const schemaPath = path.join(dir, path.basename(folder.schemaPath));
    await fsp.writeFile(schemaPath, upgraded, { mode: 0o600 });
    const modules = nodeModulesWithClient(folder.dir);
    if (modules) await fsp.symlink(modules, path.join(dir, 'node_modules'), 'dir');
    const output = relativeOutput(folder);
    return {
      folder: { ...folder, schemaPath, prismaConfigPath: undefined },
      legacy: true,
      finish: async () => {
        if (output === undefined) return;
        const generated = path.join(dir, output);
        const destination = path.resolve(folder.dir, output);
        await fsp.rm(destination, { recursive: true, force: true });
        await fsp.cp(generated, destination, { recursive: true });
      },
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
