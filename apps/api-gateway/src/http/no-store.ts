import type { RequestHandler } from 'express';

/**
 * For routes whose answers carry tokens or secrets: no cache (browser, proxy)
 * may keep them. Set before the handler, so replays and errors carry it too.
 */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};
