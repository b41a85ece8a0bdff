import type { DatabaseUnavailableError, KustoDb } from '@kusto/db';

/** A database the request needed and could not get (only with `continueOnFailure`). */
export interface DatabaseFailure {
  readonly database: string;
  readonly error: DatabaseUnavailableError;
  readonly retryAfterMs: number;
}

/** What the connection middleware puts on `req.kusto`. */
export interface KustoRequestContext {
  /** The manager: `await req.kusto.db.getClient('user')` is typed by the generated map. */
  readonly db: KustoDb;
  /** Databases that were unavailable for this request; empty when all were ensured. */
  readonly failures: readonly DatabaseFailure[];
  /**
   * The databases the middleware ensured for this request (its `databases` option, default every
   * one): what `createDbErrorHandler` suspects when a connection failure does not name its database.
   */
  readonly databases: readonly string[];
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `createDbConnectionMiddleware()`. */
      kusto?: KustoRequestContext;
    }
  }
}
