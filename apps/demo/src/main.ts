import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKustoDb, redactUrl } from '@kusto/db';
import { installGracefulShutdown } from '@kusto/express-db';
import { createDemoApp } from './app.js';
import { DEMO_DATABASES, resolveDemoDatabases } from './database-urls.js';
import { prepareDatabases } from './prepare-databases.js';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (line: string) => process.stdout.write(`[demo] ${line}\n`);

const databases = await resolveDemoDatabases({
  env: process.env,
  dataDir: process.env.KUSTO_DEMO_DATA_DIR ?? path.join(appDir, '.kusto', 'postgres'),
  log,
});
const manager = createKustoDb({ cwd: appDir, env: process.env });
try {
  await prepareDatabases(manager, process.env, log);
} catch (error) {
  log(`could not prepare the databases: ${(error as Error).message}`);
  await manager.disconnectAll();
  await databases.server?.close();
  process.exit(1);
}

const { app, health } = createDemoApp(manager, { log: process.env.DEMO_REQUEST_LOG !== 'off' });
const server = app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address() as AddressInfo;
  const base = `http://${address}:${port}`;
  for (const name of DEMO_DATABASES) log(`database ${name}: ${redactUrl(databases.urls[name])}`);
  log(`listening on ${base}`);
  log(`try: curl ${base}/users`);
  log(`     curl -X POST ${base}/users -H 'content-type: application/json' -d '{"email":"linus@example.com","name":"Linus"}'`);
  log(`     curl ${base}/temporary   curl ${base}/overview   curl ${base}/readyz   curl ${base}/health/db`);
});

const shutdown = installGracefulShutdown(server, {
  manager,
  readiness: health.readiness,
  // No load balancer in front of the demo: stop at once unless told otherwise.
  drainDelayMs: Number(process.env.SHUTDOWN_DRAIN_MS ?? 0),
  log,
});
shutdown.done.then(
  async () => {
    await databases.server?.close();
    log('stopped');
  },
  (error: unknown) => {
    log(`shutdown failed: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);
