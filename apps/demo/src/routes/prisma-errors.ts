import type { NextFunction, Response } from 'express';

/** Known Prisma request errors a client caused: unique violations and missing rows. */
export function handleKnownPrismaError(error: unknown, res: Response, next: NextFunction): void {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'P2002') return void res.status(409).json({ error: 'Already exists' });
  if (code === 'P2025') return void res.status(404).json({ error: 'Not found' });
  next(error);
}
