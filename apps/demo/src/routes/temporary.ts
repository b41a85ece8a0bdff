import { Router } from 'express';
import { createTemporaryBody, parseOr400 } from '../validation.js';

/** Expiring items in the `temporary` database: create, list the live ones, delete the expired. */
export function temporaryRouter(now: () => Date = () => new Date()): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const body = parseOr400(createTemporaryBody, req.body, res, 'temporary item');
    if (!body) return;
    const db = await req.kusto!.db.getClient('temporary');
    const item = await db.temporaryItem.create({
      data: {
        kind: body.kind,
        ...(body.payload === undefined || body.payload === null ? {} : { payload: body.payload }),
        expiresAt: new Date(now().getTime() + body.ttlSeconds * 1_000),
      },
    });
    res.status(201).json(item);
  });

  router.get('/', async (req, res) => {
    const db = await req.kusto!.db.getClient('temporary');
    res.json(await db.temporaryItem.findMany({ where: { expiresAt: { gt: now() } }, orderBy: { expiresAt: 'asc' } }));
  });

  router.post('/expire', async (req, res) => {
    const db = await req.kusto!.db.getClient('temporary');
    const { count } = await db.temporaryItem.deleteMany({ where: { expiresAt: { lte: now() } } });
    res.json({ expired: count });
  });

  return router;
}
