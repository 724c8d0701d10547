import type { RequestHandler } from 'express';
import type { Actor } from '@coachline/domain/actor';
import type { Logger } from '@coachline/runtime/logger';

/**
 * One structured line per request at `http` level. The route is the pattern,
 * never the raw URL: calendar tokens travel in the path and secrets in query
 * strings, and neither may reach a log. At a level above `http` (production's
 * `info`) it adds nothing to a request.
 */
export function accessLog(logger: Logger): RequestHandler | undefined {
  if (!logger.isLevelEnabled('http')) return undefined;
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      const actor = res.locals.actor as Actor | undefined;
      const pattern = (res.locals.route as string | undefined) ?? (req.route as { path?: unknown } | undefined)?.path;
      logger.http('request', {
        method: req.method,
        route: typeof pattern === 'string' ? pattern : 'unmatched',
        status: res.statusCode,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        requestId: res.locals.requestId as string,
        tenantId: actor?.tenantId,
        userId: actor?.userId,
      });
    });
    next();
  };
}
