import type { AddressInfo } from 'node:net';
import { kusto } from '@kusto/db';
import { installGracefulShutdown } from '@kusto/express-db';
import { createFunctionsApp } from './app.js';

const { app, health } = createFunctionsApp();
const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
installGracefulShutdown(server, { manager: kusto.db, readiness: health.readiness, drainDelayMs: 0, log: (line) => console.log(line) });
