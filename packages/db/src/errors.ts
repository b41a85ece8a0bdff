/** Stable codes of every failure a user can act on. */
export type KustoDbErrorCode =
  | 'INVALID_DATABASE_NAME'
  | 'UNKNOWN_DATABASE'
  | 'ROOT_NOT_FOUND'
  | 'SCHEMA_INVALID'
  | 'MISSING_URL'
  | 'INVALID_URL'
  | 'CLIENT_NOT_GENERATED'
  | 'CLIENT_NOT_LOADABLE'
  | 'ADAPTER_NOT_INSTALLED'
  | 'NATIVE_ADDON_NOT_FOUND'
  | 'UNSUPPORTED_PROVIDER'
  | 'DATABASE_FILE_UNAVAILABLE'
  | 'DATABASE_UNAVAILABLE'
  | 'MANAGER_CLOSED'
  | 'SESSION_UNAVAILABLE';

/** Base of every error `@kusto/db` throws on purpose. `message` says what to do next. */
export class KustoDbError extends Error {
  constructor(
    readonly code: KustoDbErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class InvalidDatabaseNameError extends KustoDbError {
  constructor(
    readonly databaseName: string,
    readonly reason: string,
  ) {
    super(
      'INVALID_DATABASE_NAME',
      `${JSON.stringify(databaseName)} cannot be a database name: ${reason}. ` +
        'Name database folders with a letter first, then letters, digits, "_" or "-" (e.g. "user", "analyticsEvents", "read-replica").',
    );
  }
}

export class UnknownDatabaseError extends KustoDbError {
  constructor(
    readonly database: string,
    readonly known: readonly string[],
    root: string,
    /** Why a folder of that name is not used as a database, when there is one. */
    skippedReason?: string,
    /** Where the databases came from: folders found under `root`, or a generated registry. */
    from: 'folders' | 'registry' = 'folders',
  ) {
    super(
      'UNKNOWN_DATABASE',
      `Unknown database "${database}". ` +
        (skippedReason !== undefined ? `Its folder is not used as a database: ${skippedReason}. ` : '') +
        (from === 'registry'
          ? `The database registry holds ${known.length > 0 ? known.join(', ') : 'no databases'}: after adding or renaming a folder under ${root}, run \`kusto-db generate -a\` to write it again.`
          : known.length > 0
            ? `Known databases: ${known.join(', ')} (folders with a schema.prisma under ${root}).`
            : `No database folders were found under ${root}: create ${root}/${database}/schema.prisma, or pass the right \`root\`.`),
    );
  }
}

export class RootNotFoundError extends KustoDbError {
  constructor(readonly root: string) {
    super(
      'ROOT_NOT_FOUND',
      `The database root ${root} does not exist. Create src/app/db/<name>/schema.prisma, or pass \`root\` to createKustoDb().`,
    );
  }
}

export class SchemaError extends KustoDbError {
  constructor(
    readonly database: string,
    readonly schemaPath: string,
    problem: string,
  ) {
    super('SCHEMA_INVALID', `${schemaPath} (database "${database}"): ${problem}`);
  }
}

/** The example in a missing-URL message when the provider is not known. */
const FALLBACK_EXAMPLE_URL = 'postgresql://user:password@host:5432/name';

export class MissingUrlError extends KustoDbError {
  /**
   * @param exampleUrl The provider's example URL (`providerFor(provider).exampleUrl`), its `name`
   *   replaced by the database's; default a Postgres one.
   */
  constructor(
    readonly database: string,
    readonly envVar: string,
    exampleUrl: string = FALLBACK_EXAMPLE_URL,
  ) {
    super(
      'MISSING_URL',
      `No URL for database "${database}": set the environment variable ${envVar} (e.g. ${envVar}=${exampleUrl.replace(/\bname\b/, database)}), ` +
        'or pass `databases.' +
        `${database}.url\` to createKustoDb(). A .env file is read by kusto-db, not by your app: start it with \`node --env-file=.env\`.`,
    );
  }
}

export class InvalidUrlError extends KustoDbError {
  constructor(
    readonly database: string,
    readonly source: string,
    problem: string,
  ) {
    super('INVALID_URL', `The URL of database "${database}" (from ${source}) is not valid: ${problem}.`);
  }
}

export class ClientNotGeneratedError extends KustoDbError {
  constructor(
    readonly database: string,
    readonly clientPath: string,
    options?: { cause?: unknown },
  ) {
    super(
      'CLIENT_NOT_GENERATED',
      `The Prisma client of database "${database}" is missing (${clientPath}). Run \`kusto-db generate -d ${database}\`.`,
      options,
    );
  }
}

/**
 * A generated client is there but this process cannot load it from its folder: TypeScript source
 * of Prisma's `prisma-client` generator where Node does not strip types (Node < 22.18, or a file
 * inside `node_modules`), or whose own imports need a compiler (`importFileExtension` `js` or none).
 */
export class ClientNotLoadableError extends KustoDbError {
  constructor(
    readonly database: string,
    readonly clientPath: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      'CLIENT_NOT_LOADABLE',
      `The Prisma client of database "${database}" (${clientPath}) cannot be loaded here: ${reason}. ` +
        'Compile it with the app (tsc writes client.js beside it, or into dist/ run with layout "dist"), ' +
        'or import the static registry `kusto-db generate` writes, or run it from source on Node >= 22.18 ' +
        'with importFileExtension = "ts" in its generator.',
      options,
    );
  }
}

export class AdapterNotInstalledError extends KustoDbError {
  constructor(
    readonly database: string,
    readonly provider: string,
    readonly packageName: string,
    options?: { cause?: unknown },
  ) {
    super(
      'ADAPTER_NOT_INSTALLED',
      `Database "${database}" uses provider "${provider}", which needs the driver adapter package ${packageName}. Install it: pnpm add ${packageName}`,
      options,
    );
  }
}

/**
 * A driver's compiled addon (better-sqlite3's `better_sqlite3.node`) cannot be found: the driver was
 * bundled into one file (no `node_modules` beside it) and the addon was not copied beside the bundle.
 */
export class NativeAddonNotFoundError extends KustoDbError {
  constructor(
    readonly database: string,
    readonly addon: string,
    readonly searched: readonly string[],
  ) {
    super(
      'NATIVE_ADDON_NOT_FOUND',
      `Database "${database}" needs ${addon}, the compiled addon of its driver, which a bundler cannot carry. ` +
        `Copy it from node_modules/better-sqlite3/build/Release/${addon} beside your bundle (looked in: ${searched.join(', ')}).`,
    );
  }
}

export class UnsupportedProviderError extends KustoDbError {
  constructor(
    readonly database: string,
    readonly provider: string,
  ) {
    super(
      'UNSUPPORTED_PROVIDER',
      `Database "${database}" uses provider "${provider}", which has no built-in driver adapter. ` +
        'Pass `databases.<name>.adapter` (a factory returning a Prisma driver adapter) to createKustoDb().',
    );
  }
}

/** A SQLite database file that cannot be opened or written: a missing folder, a folder for a file, no write permission. */
export class DatabaseFileError extends KustoDbError {
  constructor(
    readonly database: string,
    /** Where the URL came from: its variable, or `options`. */
    readonly urlSource: string,
    /** The file, resolved from the database folder. */
    readonly file: string,
    problem: string,
    fix: string,
  ) {
    super(
      'DATABASE_FILE_UNAVAILABLE',
      `The SQLite file of database "${database}" (${file}, from ${urlSource}) cannot be used: ${problem}. To fix it, ${fix}.`,
    );
  }
}

/**
 * The database cannot be reached right now. Thrown at once, without I/O, while the circuit is
 * open; `retryAfterMs` says when the next attempt will be let through.
 */
export class DatabaseUnavailableError extends KustoDbError {
  constructor(
    readonly database: string,
    readonly retryAfterMs: number,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super('DATABASE_UNAVAILABLE', `Database "${database}" is unavailable: ${oneLineCause(detail)}`, options);
  }
}

/**
 * The cause in one line, for a message an `onError` handler can show. Prisma wraps a driver error
 * in several lines (``Invalid `prisma.$queryRawUnsafe()` invocation:``, blank lines, then
 * ``Raw query failed. Code: `N/A`. Message: `Can't reach database server at …` ``): keep the
 * driver's message. Anything else: its lines joined with spaces. The full text stays on `cause`.
 */
export function oneLineCause(detail: string): string {
  const driverMessage = /Message: `([^`]+)`/.exec(detail)?.[1];
  if (driverMessage !== undefined) return driverMessage.trim();
  const lines = detail
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^Invalid `.*` invocation/.test(line));
  return lines.join(' ');
}

export class ManagerClosedError extends KustoDbError {
  constructor() {
    super('MANAGER_CLOSED', 'This database manager was disconnected; create a new one with createKustoDb().');
  }
}

/**
 * Work that needs a whole server session (migrations, session advisory locks, `LISTEN`, `SET`)
 * was asked of a database whose only URL goes through a transaction pooler, where each
 * transaction may run on another server connection.
 */
export class SessionUnavailableError extends KustoDbError {
  constructor(
    readonly database: string,
    /** Where the pooled URL came from: its variable, or `options`. */
    readonly urlSource: string,
    readonly directEnvVar: string,
  ) {
    super(
      'SESSION_UNAVAILABLE',
      `Database "${database}" is reached through a transaction pooler (the URL from ${urlSource} has pgbouncer=true), where a session ` +
        `does not outlive one transaction: session advisory locks, LISTEN and SET would silently apply to whichever ` +
        `server connection ran them. Set ${directEnvVar} to a URL that reaches the server directly (not through the pooler).`,
    );
  }
}

/**
 * Whether `error` is a configuration mistake (a missing or invalid URL, an unknown database, a
 * missing client or adapter…): nothing to retry, the operator has to act, and its message names
 * what to change without any secret or host. Unavailability and a closed manager are not.
 */
export function isConfigurationError(error: unknown): error is KustoDbError {
  return error instanceof KustoDbError && !RUNTIME_CODES.has(error.code);
}

const RUNTIME_CODES: ReadonlySet<KustoDbErrorCode> = new Set(['DATABASE_UNAVAILABLE', 'MANAGER_CLOSED', 'SESSION_UNAVAILABLE']);
