import { assertDatabaseName, envVarForDatabase, resolveRoot } from '@kusto/db';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { KustoCommand } from '../command.js';
import { CliError } from '../errors.js';
import type { GlobalArgs } from '../global-options.js';
import { projectDirOf, rootLine } from '../targets/resolve-targets.js';
import {
  DEFAULT_INIT_GENERATOR,
  INIT_GENERATORS,
  INIT_PROVIDERS,
  renderPrismaConfig,
  renderSchema,
  renderSeed,
  type InitGenerator,
  type InitProvider,
} from '../templates/scaffold.js';

export interface InitArgs extends GlobalArgs {
  readonly name: string;
  readonly provider: InitProvider;
  readonly generator: InitGenerator;
}

export const initCommand: KustoCommand<InitArgs> = {
  command: 'init <name>',
  describe: 'Create <root>/<name>/ with schema.prisma, prisma.config.ts and seed.ts',
  builder: (yargs) =>
    yargs
      .positional('name', { type: 'string', demandOption: true, describe: 'Database name (folder name; letters, digits, "_" and "-")' })
      .option('provider', { choices: INIT_PROVIDERS, default: INIT_PROVIDERS[0], describe: 'Datasource provider' })
      .option('generator', {
        choices: INIT_GENERATORS,
        default: DEFAULT_INIT_GENERATOR,
        describe:
          'Prisma client generator: prisma-client-js writes JavaScript any Node loads as is; prisma-client (Prisma\'s newer one) writes TypeScript to compile with the app, or to run from source on Node >= 22.18',
      }),
  async run(args, context) {
    assertDatabaseName(args.name);
    const projectDir = projectDirOf(args, context);
    const root = resolveRoot({ cwd: projectDir, root: args.root, layout: 'src' });
    context.io.err(rootLine(root));
    const dir = path.join(root, args.name);
    if (fs.existsSync(path.join(dir, 'schema.prisma'))) {
      throw new CliError('ALREADY_EXISTS', `${path.relative(projectDir, dir)}/schema.prisma already exists; nothing was written.`);
    }
    const envVar = envVarForDatabase(args.name);
    const files: [string, string][] = [
      ['schema.prisma', renderSchema(args.provider, args.generator)],
      ['prisma.config.ts', renderPrismaConfig(envVar)],
      ['seed.ts', renderSeed(args.name)],
    ];
    await fsp.mkdir(dir, { recursive: true });
    for (const [file, text] of files) {
      if (!fs.existsSync(path.join(dir, file))) await fsp.writeFile(path.join(dir, file), text);
    }
    const shown = path.relative(projectDir, dir) || '.';
    context.io.out(`Created ${shown}/ (${files.map(([file]) => file).join(', ')}).`);
    const migrations = path.join(shown, 'migrations');
    context.io.out(`Next: set ${envVar} (in the environment or .env), then kusto-db generate -d ${args.name}.`);
    context.io.out(
      `Then a first migration: kusto-db migrate -t dev -n init -d ${args.name} (needs Prisma's schema engine), or write ${migrations}/<timestamp>_init/migration.sql ` +
        `yourself; kusto-db migrate -t deploy -d ${args.name} applies it (no engine needed), kusto-db seed -d ${args.name} runs seed.ts.`,
    );
    return { exitCode: 0 };
  },
};
