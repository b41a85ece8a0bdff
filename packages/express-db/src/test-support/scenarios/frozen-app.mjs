// Child-process scenario for the frozen-process test: a function-like app (serverless profile,
// default settings otherwise) that the test freezes (SIGSTOP) and thaws (SIGCONT), as a function
// platform does between invocations.
// argv: <project dir> <user url>
import express from 'express';
import { createKustoDb } from '@kusto/db';
import { createDbConnectionMiddleware, createDbErrorHandler } from '@kusto/express-db';

const [project, userUrl] = process.argv.slice(2);
const manager = createKustoDb({ cwd: project, profile: 'serverless', env: { RDS_USER_URL: userUrl } });
const app = express();
app.use(createDbConnectionMiddleware({ manager, databases: ['user'], continueOnFailure: false }));
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
