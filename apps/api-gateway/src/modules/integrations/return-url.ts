import { ValidationError } from '@coachline/domain/errors';

/**
 * Where a browser may be sent back after a provider's consent: only the
 * platform's own front ends (the CORS origins and the app's URL), so the
 * callback can never be used as an open redirect.
 */
export function allowedReturnOrigins(corsOrigins: readonly string[], publicAppUrl: string): Set<string> {
  const origins = new Set<string>();
  for (const value of [...corsOrigins, publicAppUrl]) {
    try {
      origins.add(new URL(value).origin);
    } catch {
      // A malformed CORS entry allows nothing.
    }
  }
  return origins;
}

export function checkReturnUrl(returnUrl: string | undefined, allowed: ReadonlySet<string>): string | undefined {
  if (returnUrl === undefined) return undefined;
  const url = new URL(returnUrl);
  if (url.username || url.password || !allowed.has(url.origin)) {
    throw new ValidationError('The return URL is not one of the platform’s origins.', [{ path: 'returnUrl', message: 'Origin not allowed' }]);
  }
  return url.toString();
}
