// Child-process scenario for the query-timeout-in-a-transaction test: an app whose query bound is
// short, with a route that runs an interactive transaction longer than the bound. When the bound
// gives up, the adapter rolls the transaction back on the same connection; nothing about that may
// end the process (Node's default --unhandled-rejections=throw would).
// argv: <project dir> <user url> <sleep SQL>
import express from 'express';
import { createKustoDb } from '@kusto/db';
import { createDbConnectionMiddleware, createDbErrorHandler } from '@kusto/express-db';

const [project, userUrl, sleepSql] = process.argv.slice(2);
const manager = createKustoDb({ cwd: project, profile: 'traditional', env: { RDS_USER_URL: userUrl }, pool: { queryTimeoutMillis: 500 } });
const app = express();
app.use(createDbConnectionMiddleware({ manager, databases: ['user'], continueOnFailure: false }));
app.get('/slow-transaction', async (req, res, next) => {
  try {
    const client = await req.kusto.db.getClient('user');
    await client.$transaction(async (tx) => tx.$queryRawUnsafe(sleepSql));
    res.json({ finished: true });
  } catch (error) {
    next(error);
  }
});
app.get('/users', async (req, res, next) => {
  try {
    const client = await req.kusto.db.getClient('user');
    res.json({ count: await client.user.count() });
  } catch (error) {
    next(error);
  }
});
app.use(createDbErrorHandler({ manager }));
app.use((error, _req, res, _next) => res.status(500).json({ error: String(error?.message ?? error) }));
const server = app.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => manager.disconnectAll().then(() => process.exit(0))));
