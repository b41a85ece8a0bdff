import type { Argv } from 'yargs';

/** Options every command accepts. */
export interface GlobalArgs {
  readonly database: string | undefined;
  readonly all: boolean;
  readonly root: string | undefined;
  readonly cwd: string | undefined;
  /** `--env-file` (yargs gives it under both spellings). */
  readonly envFile?: string | undefined;
  readonly 'env-file'?: string | undefined;
}

/** Adds `-d`, `-a`, `--root`, `--cwd` and `--env-file` to the root parser. */
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
      describe: 'Project directory [default: the current folder when it holds src/app/db, else the nearest folder upwards holding src/app/db or a package.json]',
      global: true,
    })
    .option('env-file', {
      type: 'string',
      describe: 'File of VAR=value lines read before any URL (relative to the current directory); never overrides a variable already set [default: <--cwd>/.env when present]',
      global: true,
    });
}
