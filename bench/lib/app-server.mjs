// Child process: Express apps over one @kusto/db manager, so HTTP load (driven by the parent)
// and the server do not share an event loop. Config comes as JSON in argv[2]; the listening
// ports go back over IPC. Messages: { type: 'status' } → manager.status(); { type: 'close' }.
// Variant `bare` is the same route on a bare PrismaClient (its own PrismaPg, or PrismaMariaDb for a
// `mysql://` bareUrl, with the adapter's defaults, no manager, Express's own error handling): what
// an app without the toolkit does.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { PrismaPg } from '@prisma/adapter-pg';
import express from 'express';
import { createKustoDb } from '@kusto/db';
import { createDbConnectionMiddleware, createDbErrorHandler } from '@kusto/express-db';
import { loadGeneratedClient } from './setup.mjs';

const config = JSON.parse(process.argv[2]);
const manager = createKustoDb({ cwd: config.project, profile: 'traditional', ...config.managerOptions });
const events = [];
for (const event of ['connect', 'reconnect', 'disconnect', 'circuitOpen']) {
  manager.on(event, (payload) => events.push({ event, at: Date.now(), attempts: payload?.attempts, downtimeMs: payload?.downtimeMs }));
}
manager.on('error', () => {}); // listening keeps the manager from throwing; errors are counted by the client side

function buildApp(withMiddleware) {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  if (withMiddleware) app.use(createDbConnectionMiddleware({ manager, databases: ['user'], ...config.middlewareOptions }));
  // The same route in both apps: one findUnique by id through the manager's cached client.
  app.get('/users/:id', async (req, res) => {
    const db = await manager.getClient('user');
    const user = await db.user.findUnique({ where: { id: Number(req.params.id) } });
    res.json(user);
  });
  app.use(createDbErrorHandler({ manager, databaseOf: () => 'user' }));
  return app;
}

let bare;
function buildBareApp() {
  const PrismaClient = loadGeneratedClient(config.project, 'user');
  // PrismaMariaDb takes the URL as it is (it rewrites mysql:// to the connector's mariadb://).
  const adapter = /^mysql:|^mariadb:/.test(config.bareUrl) ? new PrismaMariaDb(config.bareUrl) : new PrismaPg({ connectionString: config.bareUrl });
  bare = new PrismaClient({ adapter });
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.get('/users/:id', async (req, res) => {
    const user = await bare.user.findUnique({ where: { id: Number(req.params.id) } });
    res.json(user);
  });
  // Express's default handler would log every stack; a plain 500 is what it answers anyway.
  app.use((error, _req, res, _next) => void res.status(500).json({ error: String(error?.message ?? error).split('\n')[0] }));
  return app;
}

const servers = {};
for (const variant of config.variants) {
  const server = (variant === 'bare' ? buildBareApp() : buildApp(variant === 'middleware')).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  server.keepAliveTimeout = 30_000;
  servers[variant] = server;
}
// Warm the client (first query loads the engine) so every benchmark starts from a ready app.
// (A process serving only `bare` leaves the manager unused: not even a connection.)
if (config.variants.some((variant) => variant !== 'bare')) await (await manager.getClient('user')).user.findUnique({ where: { id: 1 } });
await bare?.user.findUnique({ where: { id: 1 } });

// Event-loop delay since the last status request: shows stalls of the server process itself.
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();

process.on('message', async (message) => {
  if (message.type === 'status') {
    const eventLoopDelayMs = { max: loopDelay.max / 1e6, p99: loopDelay.percentile(99) / 1e6 };
    loopDelay.reset();
    process.send({ type: 'status', status: manager.status(), events, eventLoopDelayMs });
  }
  if (message.type === 'close') {
    for (const server of Object.values(servers)) server.closeAllConnections();
    await Promise.all(Object.values(servers).map((server) => new Promise((resolve) => server.close(resolve))));
    await Promise.race([bare?.$disconnect(), new Promise((resolve) => setTimeout(resolve, 2_000))]);
    await manager.disconnectAll();
    process.disconnect();
  }
});
process.send({ type: 'ready', ports: Object.fromEntries(Object.entries(servers).map(([variant, server]) => [variant, server.address().port])) });
