import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/db-cli */
export const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Inside the package, so `prisma generate` resolves @prisma/client from its node_modules. */
export const fixturesDir = path.join(packageDir, '.fixtures');

export {
  EVENT_MODELS,
  NOTE_MODELS as REPLICA_MODELS,
  schemaFor,
  USER_MODELS,
} from '@kusto/test-servers/prisma-fixtures';

/** A fresh project folder `.fixtures/<prefix>-<random>` with `src/app/db/<name>/<file>` per entry. */
export async function createProject(
  prefix: string,
  databases: Readonly<Record<string, Readonly<Record<string, string>>>>,
): Promise<string> {
  const project = path.join(fixturesDir, `${prefix}-${randomBytes(4).toString('hex')}`);
  await fs.mkdir(project, { recursive: true });
  await fs.writeFile(path.join(project, 'package.json'), JSON.stringify({ name: `fixture-${prefix}`, private: true, type: 'module' }));
  for (const [name, files] of Object.entries(databases)) {
    const dir = path.join(project, 'src', 'app', 'db', name);
    await fs.mkdir(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await fs.writeFile(path.join(dir, file), text);
    }
  }
  return project;
}

export async function removeProject(project: string): Promise<void> {
  await fs.rm(project, { recursive: true, force: true });
}

/**
 * An io that records lines. The line naming the root that every command prints first on stderr
 * (`Databases under …`) is kept apart in `roots`, so tests about a command's own messages read
 * them alone; `firstErr` is whatever stderr line came first (the root line's own tests read it).
 */
export function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const roots: string[] = [];
  let firstErr: string | undefined;
  return {
    out,
    err,
    roots,
    firstErr: () => firstErr,
    io: {
      out: (line: string) => void out.push(line),
      err: (line: string) => {
        firstErr ??= line;
        (line.startsWith('Databases under ') ? roots : err).push(line);
      },
    },
    text: () => [...out, ...err].join('\n'),
  };
}
