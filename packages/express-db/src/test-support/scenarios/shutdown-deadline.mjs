// Child-process scenario: a request whose query outlives the graceful shutdown's deadline.
// argv: <project dir> <user url> <statement that sleeps 15 s on that server>
import express from 'express';
import { createKustoDb } from '@kusto/db';
import { createDbConnectionMiddleware, installGracefulShutdown } from '@kusto/express-db';

const [project, userUrl, sleepSql] = process.argv.slice(2);
const manager = createKustoDb({
  cwd: project,
  profile: 'traditional',
  env: { RDS_USER_URL: userUrl },
  // Longer than the query: only the shutdown may stop it.
  pool: { queryTimeoutMillis: 60_000 },
});
const app = express();
app.use(createDbConnectionMiddleware({ manager, databases: ['user'] }));
app.get('/stuck', async (req, res, next) => {
  try {
    const client = await req.kusto.db.getClient('user');
    await client.$queryRawUnsafe(sleepSql);
    res.json({ done: true });
  } catch (error) {
    next(error);
  }
});
const server = app.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
const shutdown = installGracefulShutdown(server, { manager, drainDelayMs: 100, timeoutMs: 500, log: (line) => console.log(line) });
shutdown.done.then(() => console.log('shutdown complete'));
