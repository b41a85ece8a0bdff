import type { RequestHandler } from 'express';

/** Reads both databases at once: what the toolkit's multi-database access looks like. */
export function overviewHandler(now: () => Date = () => new Date()): RequestHandler {
  return async (req, res) => {
    const [users, temporary] = await Promise.all([req.kusto!.db.getClient('user'), req.kusto!.db.getClient('temporary')]);
    const [userCount, postCount, liveItems] = await Promise.all([
      users.user.count(),
      users.post.count(),
      temporary.temporaryItem.count({ where: { expiresAt: { gt: now() } } }),
    ]);
    res.json({ users: userCount, posts: postCount, liveTemporaryItems: liveItems });
  };
}
