// A Lambda-style handler: one process serves many invocations, frozen between them.
import { DatabaseUnavailableError, kusto } from '@kusto/db';
import { itemsOf, type DATABASES } from './databases.js';

export interface InvocationEvent {
  readonly database: (typeof DATABASES)[number];
}

export interface InvocationResult {
  readonly statusCode: 200 | 503;
  readonly body: string;
}

export async function handler(event: InvocationEvent): Promise<InvocationResult> {
  try {
    const items = await itemsOf(event.database);
    return { statusCode: 200, body: JSON.stringify({ database: event.database, count: await items.count() }) };
  } catch (error) {
    if (error instanceof DatabaseUnavailableError || kusto.db.reportError(event.database, error)) {
      return { statusCode: 503, body: JSON.stringify({ database: event.database, retryAfterMs: error instanceof DatabaseUnavailableError ? error.retryAfterMs : 1_000 }) };
    }
    throw error;
  }
}
