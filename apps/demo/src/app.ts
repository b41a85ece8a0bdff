import express, { type Express } from 'express';
import type { KustoDb } from '@kusto/db';
import { createDbConnectionMiddleware, createDbErrorHandler, createHealthRouter, type HealthRouter } from '@kusto/express-db';
import { pinoHttp } from 'pino-http';
import { overviewHandler } from './routes/overview.js';
import { temporaryRouter } from './routes/temporary.js';
import { postsRouter, usersRouter } from './routes/users.js';

export interface DemoApp {
  readonly app: Express;
  readonly health: HealthRouter;
}

/** The demo's Express app: health endpoints, then the database routes behind the connection middleware. */
export function createDemoApp(manager: KustoDb, options: { log?: boolean } = {}): DemoApp {
  const app = express();
  const health = createHealthRouter({ manager });
  if (options.log ?? true) {
    // One JSON line per request; no headers or bodies, so nothing secret reaches the log.
    app.use(pinoHttp({ serializers: { req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }), res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }) } }));
  }
  app.use(health);
  app.use(express.json({ limit: '100kb' }));

  // Each route group ensures only the database it uses; a down `temporary` does not fail `/users`.
  app.use('/users', createDbConnectionMiddleware({ manager, databases: ['user'], continueOnFailure: false }), usersRouter());
  app.use('/posts', createDbConnectionMiddleware({ manager, databases: ['user'], continueOnFailure: false }), postsRouter());
  app.use('/temporary', createDbConnectionMiddleware({ manager, databases: ['temporary'], continueOnFailure: false }), temporaryRouter());
  app.get('/overview', createDbConnectionMiddleware({ manager, continueOnFailure: false }), overviewHandler());

  app.use((_req, res) => void res.status(404).json({ error: 'Not found' }));
  app.use(createDbErrorHandler({ manager }));
  app.use((error: Error & { status?: number; type?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(error);
    // Malformed JSON bodies arrive here from express.json().
    if (error.type === 'entity.parse.failed') return void res.status(400).json({ error: 'Invalid JSON body' });
    res.status(500).json({ error: 'Internal error' });
  });
  return { app, health };
}
