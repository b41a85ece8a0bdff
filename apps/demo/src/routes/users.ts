import { Router } from 'express';
import { createPostBody, createUserBody, idFrom, parseOr400, updateUserBody } from '../validation.js';
import { handleKnownPrismaError } from './prisma-errors.js';

/** CRUD on users (with profiles) and their posts, in the `user` database. */
export function usersRouter(): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const db = await req.kusto!.db.getClient('user');
    res.json(await db.user.findMany({ orderBy: { id: 'asc' }, include: { profile: true, _count: { select: { posts: true } } } }));
  });

  router.post('/', async (req, res, next) => {
    const body = parseOr400(createUserBody, req.body, res, 'user');
    if (!body) return;
    const db = await req.kusto!.db.getClient('user');
    try {
      const user = await db.user.create({
        data: { email: body.email, name: body.name, profile: { create: { bio: body.bio ?? null } } },
        include: { profile: true },
      });
      res.status(201).json(user);
    } catch (error) {
      handleKnownPrismaError(error, res, next);
    }
  });

  router.get('/:id', async (req, res) => {
    const id = idFrom(req, res);
    if (id === undefined) return;
    const db = await req.kusto!.db.getClient('user');
    const user = await db.user.findUnique({ where: { id }, include: { profile: true, posts: { orderBy: { id: 'asc' } } } });
    if (!user) return void res.status(404).json({ error: 'Not found' });
    res.json(user);
  });

  router.patch('/:id', async (req, res, next) => {
    const id = idFrom(req, res);
    if (id === undefined) return;
    const body = parseOr400(updateUserBody, req.body, res, 'user update');
    if (!body) return;
    const db = await req.kusto!.db.getClient('user');
    try {
      const user = await db.user.update({
        where: { id },
        data: {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.bio !== undefined ? { profile: { upsert: { create: { bio: body.bio }, update: { bio: body.bio } } } } : {}),
        },
        include: { profile: true },
      });
      res.json(user);
    } catch (error) {
      handleKnownPrismaError(error, res, next);
    }
  });

  router.delete('/:id', async (req, res, next) => {
    const id = idFrom(req, res);
    if (id === undefined) return;
    const db = await req.kusto!.db.getClient('user');
    try {
      await db.user.delete({ where: { id } });
      res.status(204).end();
    } catch (error) {
      handleKnownPrismaError(error, res, next);
    }
  });

  router.post('/:id/posts', async (req, res, next) => {
    const id = idFrom(req, res);
    if (id === undefined) return;
    const body = parseOr400(createPostBody, req.body, res, 'post');
    if (!body) return;
    const db = await req.kusto!.db.getClient('user');
    try {
      const post = await db.post.create({ data: { ...body, author: { connect: { id } } } });
      res.status(201).json(post);
    } catch (error) {
      handleKnownPrismaError(error, res, next);
    }
  });

  return router;
}

/** Posts across users, in the `user` database. */
export function postsRouter(): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const published = req.query.published;
    if (published !== undefined && published !== 'true' && published !== 'false') {
      return void res.status(400).json({ error: 'Invalid published filter', issues: [{ path: 'published', message: 'use true or false' }] });
    }
    const db = await req.kusto!.db.getClient('user');
    res.json(
      await db.post.findMany({
        where: published === undefined ? {} : { published: published === 'true' },
        orderBy: { id: 'asc' },
        include: { author: { select: { id: true, name: true } } },
      }),
    );
  });

  router.delete('/:id', async (req, res, next) => {
    const id = idFrom(req, res);
    if (id === undefined) return;
    const db = await req.kusto!.db.getClient('user');
    try {
      await db.post.delete({ where: { id } });
      res.status(204).end();
    } catch (error) {
      handleKnownPrismaError(error, res, next);
    }
  });

  return router;
}
