import express, { type Express } from 'express';
import { kusto } from '@kusto/db';
import { createDbConnectionMiddleware, createDbErrorHandler, createHealthRouter, type HealthRouter } from '@kusto/express-db';
import { DATABASES, itemsOf } from './databases.js';

export interface FunctionsApp {
  readonly app: Express;
  readonly health: HealthRouter;
}

/** `/<database>/items` counts and adds items in that database; health endpoints from @kusto/express-db. */
export function createFunctionsApp(): FunctionsApp {
  const manager = kusto.db;
  const app = express();
  const health = createHealthRouter({ manager, databases: [...DATABASES] });
  app.use(health);
  for (const name of DATABASES) {
    app.use(`/${name}`, createDbConnectionMiddleware({ manager, databases: [name], continueOnFailure: false }));
    app.get(`/${name}/items`, async (_req, res) => {
      res.json({ database: name, count: await (await itemsOf(name)).count() });
    });
    app.post(`/${name}/items`, async (_req, res) => {
      res.status(201).json(await (await itemsOf(name)).create({ data: { name: `item in ${name}` } }));
    });
  }
  app.use(createDbErrorHandler({ manager }));
  app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    console.error(`unexpected error: ${error.name}: ${error.message.split('\n')[0]}`);
    res.status(500).json({ error: 'Internal error' });
  });
  return { app, health };
}
