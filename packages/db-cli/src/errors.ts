import { KustoDbError } from '@kusto/db';

/** Stable codes of the mistakes `kusto-db` reports as one line. */
export type CliErrorCode =
  | 'USAGE'
  | 'DATABASE_REQUIRED'
  | 'WAIT_TOO_SHORT'
  | 'PRISMA_NOT_INSTALLED'
  | 'PRISMA_VERSION_UNSUPPORTED'
  | 'ALREADY_EXISTS'
  | 'ROOT_NOT_FOUND'
  | 'PRECHECK_FAILED'
  | 'FILE_UNREADABLE'
  | 'SCHEMA_ENGINE_UNAVAILABLE'
  | 'SCHEMA_NOT_UPGRADED';

/** A mistake the user can fix; printed as one line without a stack trace. */
export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** True for errors whose message alone tells the user what to do. */
export function isUserError(error: unknown): error is CliError | KustoDbError {
  return error instanceof CliError || error instanceof KustoDbError;
}
