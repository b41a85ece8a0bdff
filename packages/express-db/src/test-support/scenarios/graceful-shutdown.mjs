// Child-process scenario for the graceful shutdown test: a real app with a slow route.
// argv: <project dir> <user url> <temporary url>
import express from 'express';
import { createKustoDb } from '@kusto/db';
import { createDbConnectionMiddleware, createHealthRouter, installGracefulShutdown } from '@kusto/express-db';

const [project, userUrl, temporaryUrl] = process.argv.slice(2);
const manager = createKustoDb({ cwd: project, profile: 'traditional', env: { RDS_USER_URL: userUrl, RDS_TEMPORARY_URL: temporaryUrl } });
const health = createHealthRouter({ manager });
const app = express();
app.use(health);
app.use(createDbConnectionMiddleware({ manager }));
app.get('/slow', async (req, res, next) => {
  try {
    const client = await req.kusto.db.getClient('user');
    await client.$queryRawUnsafe('SELECT 1 AS one FROM pg_sleep(0.8)');
    res.json({ done: true });
  } catch (error) {
    next(error);
  }
});
const server = app.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
const shutdown = installGracefulShutdown(server, {
  manager,
  readiness: health.readiness,
  drainDelayMs: 300,
  timeoutMs: 5_000,
  log: (line) => console.log(line),
});
shutdown.done.then(() => console.log('shutdown complete'));
