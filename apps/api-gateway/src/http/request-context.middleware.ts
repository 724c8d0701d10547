import type { RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import { runWithContext } from '@coachline/runtime/context';

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Gives every request an id (the client's own when well-formed) and a log context for its whole life. */
export function requestContext(): RequestHandler {
  return (req, res, next) => {
    const offered = req.get('x-request-id');
    const requestId = offered && CLIENT_REQUEST_ID.test(offered) ? offered : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    res.locals.requestId = requestId;
    runWithContext({ requestId }, () => next());
  };
}
