import type { KustoDbError } from '@kusto/db';
import path from 'node:path';
import type { Response } from 'express';

/** The `error` field of the 500 this package sends for a database it cannot use as configured. */
export const MISCONFIGURED_MESSAGE = 'Database not configured';

/**
 * 500 with `{ error, database, code, detail }` for a configuration mistake (a missing URL
 * variable, an unknown database, a client not generated…): JSON, no stack trace. `detail` is the
 * error's message, which names what to change (a variable, a command) and never a secret or host.
 */
export function sendMisconfigured(res: Response, database: string | undefined, error: KustoDbError): void {
  res.status(500).json({ error: MISCONFIGURED_MESSAGE, ...(database ? { database } : {}), code: error.code, detail: publicDetail(error.message) });
}

/**
 * A configuration error's message for an HTTP answer: paths under the working directory made
 * relative (`src/app/db/user/client`), so the server's directory layout is not published.
 */
export function publicDetail(message: string, cwd: string = process.cwd()): string {
  const prefix = cwd.endsWith(path.sep) ? cwd : cwd + path.sep;
  return message.split(prefix).join('');
}
