import type { RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';

const VERSIONED = '/v1/';
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id: the client's own when well-formed.
 *
 * The id and the actor travel explicitly (res.locals, then the Actor every
 * service takes), not in an AsyncLocalStorage: on Node 20 that installs
 * promise hooks which cost each request a tenth of the gateway's CPU
 * (pnpm bench api), and everything that logs in a request already holds them.
 */
export function requestContext(): RequestHandler {
  return (req, res, next) => {
    const offered = req.get('x-request-id');
    const requestId = offered && CLIENT_REQUEST_ID.test(offered) ? offered : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    res.locals.requestId = requestId;
    // The prefix pins the version; paths without it negotiate theirs in the route layer.
    if (req.url.startsWith(VERSIONED)) res.setHeader('Api-Version', '1');
    next();
  };
}
