import type { Argv } from 'yargs';

/** Options every command accepts. */
export interface GlobalArgs {
  readonly database: string | undefined;
  readonly all: boolean;
  readonly root: string | undefined;
  readonly cwd: string | undefined;
}

/** Adds `-d`, `-a`, `--root` and `--cwd` to the root parser. */
export function withGlobalOptions(yargs: Argv): Argv<GlobalArgs> {
  return yargs
    .option('database', {
      alias: 'd',
      type: 'string',
      describe: 'One database: the name of its folder under the root (required by destructive commands)',
      global: true,
    })
    .option('all', {
      alias: 'a',
      type: 'boolean',
      default: false,
      describe: 'Every database under the root (the default of read-only commands)',
      global: true,
    })
    .option('root', {
      type: 'string',
      describe: 'Folder holding one subfolder per database, relative to --cwd [default: src/app/db]',
      global: true,
    })
    .option('cwd', {
      type: 'string',
      describe: 'Project directory [default: the current directory]',
      global: true,
    });
}
