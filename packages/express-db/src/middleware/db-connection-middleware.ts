import { DatabaseUnavailableError, isConfigurationError, type DatabaseName, type KustoDb, type KustoDbError } from '@kusto/db';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendMisconfigured } from '../errors/configuration-response.js';
import { sendUnavailable } from '../errors/unavailable-response.js';
import type { DatabaseFailure, KustoRequestContext } from '../request-context.js';
import { managerFrom } from '../resolve-manager.js';

/**
 * What `onError` receives: a database that is unavailable (`DatabaseUnavailableError`, code
 * `DATABASE_UNAVAILABLE`), or a configuration mistake (`isConfigurationError(error)`: `MISSING_URL`,
 * `CLIENT_NOT_GENERATED`, `UNKNOWN_DATABASE`…), with the database's name where the error has one.
 */
export type DbRequestError = DatabaseUnavailableError | (KustoDbError & { readonly database?: string });

export interface DbConnectionMiddlewareOptions {
  /**
   * Databases every request through this middleware needs, by name (typed like `getClient`'s once
   * `kusto-db generate` wrote the declaration). An unknown name throws `UnknownDatabaseError`,
   * listing the known ones, when the middleware is created (or, when the database folders cannot
   * be read yet, on its first request). Default: all databases the manager knows.
   */
  readonly databases?: readonly DatabaseName[];
  /**
   * Let requests continue when a database is unavailable, with the failures on `req.kusto.failures`.
   * Default: the manager's profile (true traditional, false serverless).
   */
  readonly continueOnFailure?: boolean;
  /**
   * Trust a database's last good check this long (ms) before checking it again.
   * Default: each database's `checkIntervalMs` (60 000 traditional, 15 000 serverless).
   */
  readonly checkInterval?: number;
  /**
   * Replaces the default handling of a database the request cannot use: an unavailable one (by
   * default 503 or continue) and a configuration mistake (by default a JSON 500 naming what to set:
   * a URL variable not set, a client not generated, an unknown name). Tell them apart with
   * `isConfigurationError(error)` or `error.code` (`DATABASE_UNAVAILABLE` for the first); the
   * database is `error.database` where the error has one. Errors it throws or rejects with go to
   * Express's error handling. Default: none.
   */
  readonly onError?: (error: DbRequestError, req: Request, res: Response, next: NextFunction) => unknown;
  /** Called for the request during which a database came back. Errors go to Express. Default: none. */
  readonly onReconnect?: (database: string, req: Request) => unknown;
  /** Default: the `kusto.db` instance. */
  readonly manager?: KustoDb;
}

type Outcome = DatabaseFailure | undefined;

/** A configuration mistake of one database, caught while ensuring it (never leaves this module). */
class Misconfigured extends Error {
  constructor(
    readonly database: string,
    readonly error: KustoDbError,
  ) {
    super(error.message, { cause: error });
  }
}

/** Throws `UnknownDatabaseError` (listing the known names) or `InvalidDatabaseNameError` for a bad name. */
function assertKnown(manager: KustoDb, names: readonly string[]): void {
  for (const name of names) manager.folder(name);
}

/**
 * Ensures the listed databases before the route runs, in parallel. Within the check interval a
 * healthy database costs no I/O. An unavailable one gives `onError`, or (with `continueOnFailure`)
 * a request that continues with `req.kusto.failures`, or a 503 with `Retry-After`.
 */
export function createDbConnectionMiddleware(options: DbConnectionMiddlewareOptions = {}): RequestHandler {
  const getManager = managerFrom(options.manager);
  const checkOptions = options.checkInterval === undefined ? undefined : { checkIntervalMs: options.checkInterval };
  let names: readonly string[] | undefined = options.databases;
  // Names are checked once: here when the folders can be read now, else on the first request.
  let namesChecked = false;
  if (names !== undefined) {
    let manager: KustoDb | undefined;
    try {
      manager = getManager();
      manager.names();
    } catch {
      manager = undefined; // no manager or no folders yet: checked on the first request
    }
    if (manager) {
      assertKnown(manager, names);
      namesChecked = true;
    }
  }
  // Recoveries not yet reported: the first request to see the database healthy again claims each.
  const unclaimedReconnects = new Set<string>();
  let subscribedTo: KustoDb | undefined;

  const ensure = (manager: KustoDb, database: string): Promise<Outcome> =>
    manager.getClient(database, checkOptions).then(
      () => undefined,
      (error: unknown) => {
        if (isConfigurationError(error)) throw new Misconfigured(database, error);
        if (!(error instanceof DatabaseUnavailableError)) throw error;
        return { database, error, retryAfterMs: error.retryAfterMs };
      },
    );

  // A database that cannot be used as configured (a URL variable not set…) answers a JSON 500
  // saying what to set, never an HTML stack trace.
  const fail = (req: Request, res: Response, next: NextFunction) => async (error: unknown) => {
    if (error instanceof Misconfigured && options.onError) return void (await options.onError(error.error, req, res, next));
    if (error instanceof Misconfigured && !res.headersSent) return sendMisconfigured(res, error.database, error.error);
    next(error instanceof Misconfigured ? error.error : error);
  };

  const finish = async (req: Request, res: Response, next: NextFunction, databases: readonly string[], outcomes: Outcome[]) => {
    if (options.onReconnect) {
      for (const [index, database] of databases.entries()) {
        if (outcomes[index] === undefined && unclaimedReconnects.delete(database)) await options.onReconnect(database, req);
      }
    }
    const failures = outcomes.filter((outcome): outcome is DatabaseFailure => outcome !== undefined);
    if (failures.length === 0) return next();
    const first = failures[0]!;
    if (options.onError) return void (await options.onError(first.error, req, res, next));
    const manager = req.kusto!.db;
    if (options.continueOnFailure ?? manager.continueOnFailure) {
      req.kusto = { db: manager, failures, databases };
      return next();
    }
    sendUnavailable(res, first.database, Math.max(...failures.map((failure) => failure.retryAfterMs)));
  };

  return function kustoDbConnection(req, res, next) {
    let manager: KustoDb;
    let databases: readonly string[];
    try {
      manager = getManager();
      if (!namesChecked && names !== undefined) assertKnown(manager, names);
      namesChecked = true;
      databases = names ??= manager.names();
      if (options.onReconnect && subscribedTo !== manager) {
        subscribedTo = manager;
        manager.on('reconnect', ({ database }) => unclaimedReconnects.add(database));
      }
    } catch (error) {
      // Names that turned out unknown on the first request: JSON naming the known ones.
      if (isConfigurationError(error) && options.onError) {
        return void Promise.resolve()
          .then(() => options.onError!(error, req, res, next))
          .catch(next);
      }
      if (isConfigurationError(error)) return sendMisconfigured(res, undefined, error);
      return next(error);
    }
    const context: KustoRequestContext = { db: manager, failures: [], databases };
    req.kusto = context;
    Promise.all(databases.map((database) => ensure(manager, database)))
      .then((outcomes) => finish(req, res, next, databases, outcomes))
      .catch(fail(req, res, next))
      .catch(next);
  };
}
