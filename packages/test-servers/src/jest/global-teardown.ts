import type { PostgresServer } from '../start-postgres.js';
import { SHARED_SERVER_KEY } from './shared-server.js';

/** Jest `globalTeardown`: stops the shared server and removes its data. */
export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as Record<symbol, PostgresServer | undefined>;
  await holder[SHARED_SERVER_KEY]?.close();
  holder[SHARED_SERVER_KEY] = undefined;
}
