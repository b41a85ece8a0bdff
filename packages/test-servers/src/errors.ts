/** Why a test server (Postgres, PgBouncer…) could not be provided. The message says what to do about it. */
export class TestServerError extends Error {
  override readonly name = 'TestServerError';

  constructor(
    message: string,
    readonly code:
      | 'BINARIES_NOT_FOUND'
      | 'NO_SERVER_USER'
      | 'INITDB_FAILED'
      | 'START_FAILED'
      | 'DATA_DIR_UNREACHABLE'
      | 'NO_CONTAINER_RUNTIME'
      | 'NOT_RUNNING'
      | 'INVALID_NAME'
      | 'INVALID_OPTIONS',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
