import { assertDatabaseName, DEFAULT_ROOT, discoverDatabases, RootNotFoundError, UnknownDatabaseError, type DatabaseFolder, type Discovery } from '@kusto/db';
import fs from 'node:fs';
import path from 'node:path';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import type { GlobalArgs } from '../global-options.js';

/**
 * How a command picks its databases: read-only ones run on all when neither `-d` nor `-a` is
 * given; destructive ones need `-d` (and refuse `-a`), whatever else is passed.
 */
export type TargetPolicy = 'all-by-default' | 'one-required';

export interface Targets {
  /** Absolute project directory (`--cwd` against the context's). */
  readonly projectDir: string;
  readonly discovery: Discovery;
  /** The databases to work on, in name order. */
  readonly databases: readonly DatabaseFolder[];
}

/** The directory paths typed on the command line start from: `--cwd`, else the current directory. */
export function workingDirOf(args: Pick<GlobalArgs, 'cwd'>, context: Pick<CliContext, 'cwd'>): string {
  return path.resolve(context.cwd, args.cwd ?? '.');
}

/**
 * The project a command run in `start` works on: the nearest folder from `start` upwards that
 * holds the database root ({@link DEFAULT_ROOT}) or a `package.json`, so the folder you stand in is
 * the project when it holds the root, whether or not it has a `package.json` (a folder of its own
 * inside another project is not that project), and any subfolder of a project finds it as npm
 * does. `start` itself when none is found before a folder holding `.git` (the repository's top) or
 * the file system root.
 */
export function findProjectDir(start: string): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, DEFAULT_ROOT)) || fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (fs.existsSync(path.join(dir, '.git')) || path.dirname(dir) === dir) return path.resolve(start);
  }
}

/**
 * Absolute project directory: `--cwd` when given; with `--root` given, the current directory
 * (which `--root` is relative to); otherwise {@link findProjectDir} from the current directory.
 */
export function projectDirOf(args: Pick<GlobalArgs, 'cwd'> & Partial<Pick<GlobalArgs, 'root'>>, context: Pick<CliContext, 'cwd'>): string {
  if (args.cwd !== undefined || args.root !== undefined) return workingDirOf(args, context);
  return findProjectDir(context.cwd);
}

/** The line every command starts with (on stderr, so `--json` output stays one document): the root it works in. */
export function rootLine(root: string): string {
  return `Databases under ${root}`;
}

/** `@kusto/db` discovery, with a missing root explained in CLI terms. */
export function discover(projectDir: string, root: string | undefined): Discovery {
  try {
    return discoverDatabases({ cwd: projectDir, root });
  } catch (error) {
    if (!(error instanceof RootNotFoundError)) throw error;
    throw new CliError(
      'ROOT_NOT_FOUND',
      `The database root ${error.root} does not exist. Create a database with kusto-db init <name>, or point --root / --cwd at your database folders.`,
      { cause: error },
    );
  }
}

function requestedName(database: unknown): string | undefined {
  if (database === undefined) return undefined;
  if (typeof database !== 'string') throw new CliError('USAGE', 'Pass -d once, with one database name (use -a for all).');
  return database;
}

export interface ResolveTargetsOptions {
  /** Print {@link rootLine} on the context's stderr once the root is found. Default true; `list` prints it on stdout itself. */
  readonly announceRoot?: boolean;
}

/**
 * Resolves `-d` / `-a` / `--root` / `--cwd` to database folders through `@kusto/db` discovery,
 * and (given an `io`) names the root it found first, before anything else the command prints.
 * Throws one-line user errors: `-d` with `-a`, a missing `-d` for a destructive command, an
 * invalid name, an unknown database (listing the known ones), a missing root.
 */
export function resolveTargets(
  args: GlobalArgs,
  policy: TargetPolicy,
  context: Pick<CliContext, 'cwd'> & Partial<Pick<CliContext, 'io'>>,
  commandName: string,
  options: ResolveTargetsOptions = {},
): Targets {
  const name = requestedName(args.database);
  if (name !== undefined && args.all) throw new CliError('USAGE', 'Pass either -d <database> or -a, not both.');
  if (policy === 'one-required' && name === undefined) {
    throw new CliError(
      'DATABASE_REQUIRED',
      `kusto-db ${commandName} changes one database at a time: name it with -d <database>${args.all ? ' (-a is not accepted here)' : ''}.`,
    );
  }
  if (name !== undefined) assertDatabaseName(name);
  const projectDir = projectDirOf(args, context);
  const discovery = discover(projectDir, args.root);
  if (options.announceRoot ?? true) context.io?.err(rootLine(discovery.root));
  if (name === undefined) return { projectDir, discovery, databases: [...discovery.databases.values()] };
  const folder = discovery.databases.get(name);
  if (!folder) {
    const skipped = discovery.skipped.find((entry) => entry.name === name);
    if (skipped) throw new CliError('USAGE', `${skipped.dir} is not a database folder: ${skipped.reason}.`);
    throw new UnknownDatabaseError(name, [...discovery.databases.keys()], discovery.root);
  }
  return { projectDir, discovery, databases: [folder] };
}
