import { createRequire } from 'node:module';
import path from 'node:path';
import type { KustoCommand } from '../command.js';

/** A package `kusto-db version` reports; `version` is undefined when it is not installed. */
export interface InstalledVersion {
  readonly name: string;
  readonly version: string | undefined;
}

const REPORTED = ['@kusto/db-cli', '@kusto/db', 'prisma', '@prisma/client'] as const;

/**
 * Reads versions from the installed `package.json` files, resolved from the project directory
 * first and from this package second. Loads no Prisma code, so no engine download is triggered.
 */
export function readInstalledVersions(cwd: string): InstalledVersion[] {
  const resolvers = [createRequire(path.join(cwd, 'package.json')), createRequire(import.meta.url)];
  return REPORTED.map((name) => {
    for (const resolve of resolvers) {
      try {
        const manifest = resolve(`${name}/package.json`) as { version?: string };
        return { name, version: manifest.version };
      } catch {
        // Not resolvable from there; try the next place.
      }
    }
    return { name, version: undefined };
  });
}

export const versionCommand: KustoCommand<{ json: boolean }> = {
  command: 'version',
  describe: 'Show the versions of kusto-db, @kusto/db, prisma and @prisma/client',
  builder: (yargs) => yargs.option('json', { type: 'boolean', default: false, describe: 'Print JSON' }),
  run(args, { cwd, io }) {
    const versions = readInstalledVersions(cwd);
    if (args.json) {
      io.out(JSON.stringify(Object.fromEntries(versions.map((v) => [v.name, v.version ?? null]))));
    } else {
      const width = Math.max(...versions.map((v) => v.name.length));
      for (const { name, version } of versions) io.out(`${name.padEnd(width)}  ${version ?? 'not installed'}`);
    }
    return { exitCode: 0 };
  },
};
