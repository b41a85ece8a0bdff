import express from 'express';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { redactUrl } from '@kusto/db';
import { createHealthRouter } from '@kusto/express-db';
import { DEMO_DATABASES, resolveDemoDatabases } from './database-urls.js';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (line: string) => process.stdout.write(`[demo] ${line}\n`);

const databases = await resolveDemoDatabases({
  env: process.env,
  dataDir: process.env.KUSTO_DEMO_DATA_DIR ?? path.join(appDir, '.kusto', 'postgres'),
  log,
});

const app = express();
app.use(createHealthRouter({ databases: [], detailPath: false }));

const server = app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address() as AddressInfo;
  for (const name of DEMO_DATABASES) log(`database ${name}: ${redactUrl(databases.urls[name])}`);
  log(`listening on http://${address}:${port}`);
  log(`try: curl http://${address}:${port}/healthz`);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: shutting down`);
  await new Promise((resolve) => server.close(resolve));
  await databases.server?.close();
  log('stopped');
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
