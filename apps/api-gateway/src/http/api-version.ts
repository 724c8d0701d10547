import type { Request, Response } from 'express';
import { UnsupportedApiVersionError } from '@coachline/domain/errors';

/** The versions this gateway serves; the last is the latest, which a client that names none gets. */
export const API_VERSIONS = ['1'] as const;
export const LATEST_API_VERSION = API_VERSIONS[API_VERSIONS.length - 1]!;
const SERVED = new Set<string>(API_VERSIONS);

/** The query parameter naming a version; it is the gateway's, so route schemas never see it. */
export const VERSION_QUERY = 'api-version';

/**
 * For a request to a path without the `/v1` prefix: the version it names in the
 * `Api-Version` header or the `api-version` query (the latest if neither), or
 * UNSUPPORTED_API_VERSION. `/v1` requests never come here: the prefix pins them.
 */
export function negotiateVersion(req: Request, res: Response): void {
  const fromQuery = req.query[VERSION_QUERY];
  const asked = req.get('api-version') ?? (typeof fromQuery === 'string' ? fromQuery : undefined);
  if (Array.isArray(fromQuery) || (asked !== undefined && !SERVED.has(asked.trim()))) {
    throw new UnsupportedApiVersionError(`Unsupported API version; this server serves ${API_VERSIONS.join(', ')}.`);
  }
  res.setHeader('Api-Version', asked?.trim() ?? LATEST_API_VERSION);
  res.locals.versionFromQuery = fromQuery !== undefined;
}

/** The query without the version parameter, for the route's own schema. */
export function withoutVersion(query: Request['query']): Request['query'] {
  const rest = { ...query };
  delete rest[VERSION_QUERY];
  return rest;
}
