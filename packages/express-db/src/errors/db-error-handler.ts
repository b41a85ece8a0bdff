import { DatabaseUnavailableError, isConfigurationError, isConnectionFailure, type KustoDb } from '@kusto/db';
import type { ErrorRequestHandler, Request } from 'express';
import { managerFrom } from '../resolve-manager.js';
import { sendMisconfigured } from './configuration-response.js';
import { sendUnavailable } from './unavailable-response.js';

export interface DbErrorHandlerOptions {
  /** Default: the `kusto.db` instance. */
  readonly manager?: KustoDb;
  /**
   * Which database a connection error came from. Default: the error's own `database` (set on
   * `DatabaseUnavailableError`), else the databases the connection middleware ensured for the
   * request (`req.kusto.databases`), else every database in use; all of them are re-checked next time.
   */
  readonly databaseOf?: (error: unknown, req: Request) => string | undefined;
  /** `Retry-After` when no circuit is open yet, in ms. Default 1 000. */
  readonly retryAfterMs?: number;
}

export const DEFAULT_ERROR_RETRY_AFTER_MS = 1_000;

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
    const named =
      options.databaseOf?.(error, req) ?? (error instanceof DatabaseUnavailableError ? error.database : undefined);
    // Unnamed (a query's own connection error): the databases this request was ensured for, not every one.
    const suspects = named ? [named] : (req.kusto?.databases ?? manager.names());
    for (const database of suspects) manager.reportError(database, error);
    const openFor = error instanceof DatabaseUnavailableError ? error.retryAfterMs : 0;
    sendUnavailable(res, named ?? suspects.join(','), Math.max(openFor, options.retryAfterMs ?? DEFAULT_ERROR_RETRY_AFTER_MS));
  };
}
