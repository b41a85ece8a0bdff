import { DatabaseUnavailableError, isConfigurationError, isConnectionFailure, type KustoDb } from '@kusto/db';
import type { ErrorRequestHandler, Request } from 'express';
import { managerFrom } from '../resolve-manager.js';
import { sendMisconfigured } from './configuration-response.js';
import { sendUnavailable } from './unavailable-response.js';

export interface DbErrorHandlerOptions {
  /** Default: the `kusto.db` instance. */
  readonly manager?: KustoDb;
  /**
   * Which database a connection error came from. Default: the `database` the error (or its
   * `cause`) carries, as `DatabaseUnavailableError` does, when it is one of the manager's; else the
   * databases the connection middleware ensured for the request (`req.kusto.databases`); else
   * those with a client so far (a route on `getClientSync` without the middleware), since a
   * database never used cannot have failed; all of them are re-checked next time.
   */
  readonly databaseOf?: (error: unknown, req: Request) => string | undefined;
  /** `Retry-After` when no circuit is open yet, in ms. Default 1 000. */
  readonly retryAfterMs?: number;
}

export const DEFAULT_ERROR_RETRY_AFTER_MS = 1_000;

/** The database an error (or its cause) says it came from, when the manager knows that name. */
function databaseNamedBy(error: unknown, manager: KustoDb): string | undefined {
  const names = manager.names();
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 3; current = current.cause, depth += 1) {
    const database = (current as { database?: unknown }).database;
    if (typeof database === 'string' && names.includes(database)) return database;
  }
  return undefined;
}

/** Databases with a client so far (their pool exists); every one when none has. */
function inUse(manager: KustoDb): readonly string[] {
  const used = manager.names().filter((name) => manager.statusOf(name).pool !== undefined);
  return used.length > 0 ? used : manager.names();
}

/**
 * Express error handler: a connection-class error thrown by a route (Prisma P1001/P1017…,
 * driver-adapter "not reachable", `DatabaseUnavailableError`) becomes a 503 with `Retry-After`,
 * and the database is marked suspect so the next request re-checks it instead of trusting the
 * cache. A configuration mistake of `@kusto/db` (a URL variable not set, a client not generated)
 * becomes a JSON 500 naming what to set. Every other error passes on untouched.
 */
export function createDbErrorHandler(options: DbErrorHandlerOptions = {}): ErrorRequestHandler {
  const getManager = managerFrom(options.manager);
  return function kustoDbErrorHandler(error: unknown, req, res, next) {
    if (res.headersSent) return next(error);
    // A database the route asked for that cannot be used as configured (its URL variable unset…).
    if (isConfigurationError(error)) {
      const database = (error as { database?: unknown }).database;
      return sendMisconfigured(res, typeof database === 'string' ? database : undefined, error);
    }
    if (!isConnectionFailure(error)) return next(error);
    let manager: KustoDb;
    try {
      manager = req.kusto?.db ?? getManager();
    } catch {
      return next(error);
    }
    const named = options.databaseOf?.(error, req) ?? databaseNamedBy(error, manager);
    // Unnamed (a query's own connection error): the databases this request was ensured for, else
    // those that have a client at all, never every folder.
    const suspects = named ? [named] : (req.kusto?.databases ?? inUse(manager));
    for (const database of suspects) manager.reportError(database, error);
    const openFor = error instanceof DatabaseUnavailableError ? error.retryAfterMs : 0;
    sendUnavailable(res, named ?? suspects.join(','), Math.max(openFor, options.retryAfterMs ?? DEFAULT_ERROR_RETRY_AFTER_MS));
  };
}
