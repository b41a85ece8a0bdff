import fs from 'node:fs';
import path from 'node:path';
import type { DatabaseFolder } from './discover.js';

/** The module a database's generated client is imported from, and how. */
export interface ClientModule {
  /** Absolute path of the generated entry file (`index.js` of `prisma-client-js`). */
  readonly file: string;
  /** Whether the generator has written it yet. */
  readonly generated: boolean;
}

/** Where the generated client of `folder` lives (its generator's `output`, default `client`). */
export function clientModule(folder: Pick<DatabaseFolder, 'clientDir'>): ClientModule {
  const file = path.join(folder.clientDir, 'index.js');
  return { file, generated: fs.existsSync(file) };
}

/** The specifier a module at `fromFile` imports the client of `folder` with (relative, `/`-separated). */
export function clientImportSpecifier(fromFile: string, folder: Pick<DatabaseFolder, 'clientDir'>): string {
  const relative = path.relative(path.dirname(fromFile), clientModule(folder).file).split(path.sep).join('/');
  return relative.startsWith('.') ? relative : `./${relative}`;
}
