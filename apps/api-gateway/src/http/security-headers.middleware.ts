import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

export interface SecurityHeaderOptions {
  /** Origins whose browsers may read the API's answers; CORS reflects the request's Origin when it is one of them. */
  corsOrigins: string[];
  /** Response headers such browsers may read. */
  exposedHeaders: string[];
}

/**
 * Helmet's headers and CORS's, the same as `helmet()` followed by `cors()`,
 * in one layer. Helmet's defaults depend on nothing in the request, so they
 * are worked out once, by running helmet at start-up, rather than by its chain
 * of a dozen middleware on every request; on a CORS request that is not a
 * preflight only the origin check remains. Preflights (OPTIONS) are answered
 * by `cors()` itself.
 */
export function securityHeaders(options: SecurityHeaderOptions): RequestHandler {
  const { set, removed } = helmetHeaders();
  const preflight = cors({ origin: options.corsOrigins, exposedHeaders: options.exposedHeaders });
  const allowedOrigins = new Set(options.corsOrigins);
  const exposed = options.exposedHeaders.join(',');
  return (req, res, next) => {
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of set) res.setHeader(name, value);
    if (req.method === 'OPTIONS') return preflight(req, res, next);
    const origin = req.headers.origin;
    if (origin !== undefined && allowedOrigins.has(origin)) res.setHeader('Access-Control-Allow-Origin', origin);
    res.vary('Origin');
    if (exposed) res.setHeader('Access-Control-Expose-Headers', exposed);
    next();
  };
}

/** What `helmet()` does to every response: the headers it sets, in its order, and those it removes. */
function helmetHeaders(): { set: [string, string][]; removed: string[] } {
  const set: [string, string][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader(name: string, value: string) {
      set.push([name, value]);
    },
    removeHeader(name: string) {
      removed.push(name);
    },
  } as unknown as ServerResponse;
  let answer: { error?: unknown } | undefined;
  helmet()({} as IncomingMessage, recorder, (error?: unknown) => {
    answer = { error };
  });
  // Helmet's defaults answer synchronously; one that did not would need a request to answer.
  if (!answer) throw new Error('helmet() did not answer synchronously');
  if (answer.error) throw new Error('helmet() refused its options', { cause: answer.error });
  return { set, removed };
}
