import type { RequestHandler } from 'express';

/**
 * Liveness: answers 200 as long as the process serves HTTP. It never touches a database, so an
 * orchestrator does not restart a healthy process because its database is down.
 */
export function livenessHandler(): RequestHandler {
  return (_req, res) => {
    res.status(200).json({ status: 'ok' });
  };
}
