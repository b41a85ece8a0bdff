import type { DatabaseFolder } from '@kusto/db';
import type { KustoCommand } from '../command.js';
import { assertUsableSchema } from '../checks/schema-checks.js';
import type { CliContext } from '../context.js';
import { legacySchemaWarning, prepareSchema } from '../prisma/legacy-schema.js';
import type { GlobalArgs } from '../global-options.js';
import { runPrisma } from '../prisma/run-prisma.js';
import { prismaUrlVars, requireConnection, type ConnectionUrl } from '../targets/connection-url.js';
import { resolveTargets } from '../targets/resolve-targets.js';
import { loadRunner } from './runner-support.js';

export interface StudioArgs extends GlobalArgs {
  readonly port: number | undefined;
  readonly browser: string | undefined;
}

/**
 * Whether a browser can be opened here: macOS and Windows always; elsewhere only with a display
 * (`DISPLAY` or `WAYLAND_DISPLAY`), or under WSL, where Windows opens it. Without one, Prisma
 * Studio's attempt ends the process (`spawn xdg-open ENOENT`).
 */
export function canOpenBrowser(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): boolean {
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY || env.WSL_DISTRO_NAME);
}

/**
 * The environment Studio runs with. Prisma Studio takes only `file://` URLs for SQLite and resolves
 * a relative path against its config file (a temp dir when kusto-db synthesises one): it gets the
 * absolute path of the file kusto-db uses (relative paths from the database folder), in the
 * variable the URL came from, for this run only. Other providers' URLs are left as they are.
 */
async function studioEnv(folder: DatabaseFolder, connection: ConnectionUrl, env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  if (folder.schema.provider !== 'sqlite') return env;
  const { sqliteFilePath } = await loadRunner();
  const file = sqliteFilePath(connection.url, folder.dir);
  if (file === ':memory:') return env;
  return { ...env, [connection.envVar]: `file://${file}` };
}

export const studioCommand: KustoCommand<StudioArgs> = {
  command: 'studio',
  describe: 'Open Prisma Studio on one database (-d required); without a display it prints the URL instead of opening a browser',
  builder: (yargs) =>
    yargs
      .option('port', { alias: 'p', type: 'number', describe: 'Port Studio listens on [default: Prisma\'s, 51212 or a free one]' })
      .option('browser', { alias: 'b', type: 'string', describe: 'Browser to open, or "none" [default: the system browser; none without a display]' }),
  async run(args, context: CliContext) {
    const { projectDir, databases } = resolveTargets(args, 'one-required', context, 'studio');
    const folder = databases[0]!;
    assertUsableSchema(folder);
    const connection = await requireConnection(folder, context, 'preferDirect');
    const prismaArgs = ['studio'];
    if (args.port !== undefined) prismaArgs.push('--port', String(args.port));
    if (args.browser !== undefined) {
      prismaArgs.push('--browser', args.browser);
    } else if (context.env.BROWSER === undefined && !canOpenBrowser(context.env)) {
      prismaArgs.push('--browser', 'none');
      context.io.err('No display to open a browser on (DISPLAY and WAYLAND_DISPLAY are unset): open the URL Prisma Studio prints below yourself.');
    }
    const legacy = legacySchemaWarning([folder]);
    if (legacy) context.io.err(`! ${legacy}`);
    const prepared = await prepareSchema(folder);
    try {
      const env = await studioEnv(folder, connection, context.env);
      const result = await runPrisma(
        { folder: prepared.folder, ...prismaUrlVars(connection), args: prismaArgs, projectDir, usesSchemaEngine: false },
        { ...context, env },
      );
      return { exitCode: result.exitCode };
    } finally {
      await prepared.dispose();
    }
  },
};
