import type { Request, Response } from 'express';
import { z } from 'zod';

export const idParam = z.coerce.number().int().positive();

export const createUserBody = z.object({
  email: z.email(),
  name: z.string().trim().min(1).max(100),
  bio: z.string().trim().max(500).optional(),
});

export const updateUserBody = z
  .object({ name: z.string().trim().min(1).max(100).optional(), bio: z.string().trim().max(500).nullable().optional() })
  .refine((body) => body.name !== undefined || body.bio !== undefined, { message: 'give at least one of name, bio' });

export const createPostBody = z.object({
  title: z.string().trim().min(1).max(200),
  body: z.string().trim().min(1).max(10_000),
  published: z.boolean().optional(),
});

export const createTemporaryBody = z.object({
  kind: z.string().trim().min(1).max(50),
  payload: z.json().optional(),
  ttlSeconds: z.number().int().min(1).max(86_400),
});

/**
 * Parses `input` or answers 400 `{ error, issues }` naming each bad field; returns undefined then.
 */
export function parseOr400<T>(schema: z.ZodType<T>, input: unknown, res: Response, what: string): T | undefined {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  res.status(400).json({
    error: `Invalid ${what}`,
    issues: result.error.issues.map((issue) => ({ path: issue.path.join('.') || what, message: issue.message })),
  });
  return undefined;
}

export function idFrom(req: Request, res: Response): number | undefined {
  return parseOr400(idParam, req.params.id, res, 'id');
}
