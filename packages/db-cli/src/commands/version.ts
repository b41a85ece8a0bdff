import { createRequire } from 'node:module';
import path from 'node:path';
import type { KustoCommand } from '../command.js';
import type { GlobalArgs } from '../global-options.js';
import { projectDirOf } from '../targets/resolve-targets.js';

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

export const versionCommand: KustoCommand<GlobalArgs & { json: boolean }> = {
  command: 'version',
  describe: 'Show the versions of kusto-db, @kusto/db, prisma and @prisma/client',
  builder: (yargs) => yargs.option('json', { type: 'boolean', default: false, describe: 'Print JSON' }),
  run(args, context) {
    const { io } = context;
    // The project's packages (--cwd), then kusto-db's own: a global kusto-db reports the app's prisma.
    const versions = readInstalledVersions(projectDirOf(args, context));
    if (args.json) {
      io.out(JSON.stringify(Object.fromEntries(versions.map((v) => [v.name, v.version ?? null]))));
    } else {
      const width = Math.max(...versions.map((v) => v.name.length));
      for (const { name, version } of versions) io.out(`${name.padEnd(width)}  ${version ?? 'not installed'}`);
    }
    return { exitCode: 0 };
  },
};
