import { problemOf } from './problem-error';
import { backoffMs, RETRYABLE_STATUSES, type RetryPolicy } from './retry-policy';
import type { Tokens, TokenStore } from './token-store';

export interface SessionFetchOptions {
  baseUrl: string;
  tokens: TokenStore;
  retry: RetryPolicy;
  fetch: typeof fetch;
  /** Refresh this long before the access token's expiry rather than wait for a 401. */
  refreshAheadMs: number;
  newIdempotencyKey: () => string;
  /** The refresh token was refused: the user must sign in again. */
  onSessionEnded?: () => void;
  /** The session's tokens changed (a login, a refresh): a socket passes the new access token on. */
  onTokens?: (tokens: Tokens) => void;
}

const REFRESH_PATH = '/v1/auth/refresh';
/** Calls that manage the session themselves: they never carry the access token nor trigger a refresh. */
const SESSION_PATHS = new Set(['/v1/auth/login', '/v1/auth/signup', REFRESH_PATH, '/v1/auth/logout', '/v1/invitations/accept', '/v1/auth/password-reset', '/v1/auth/password-reset/confirm']);

/** Seconds since the epoch at which a JWT expires, or undefined when it cannot be read (then only a 401 triggers a refresh). */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A fetch for openapi-fetch that carries the session: it sets the bearer
 * token, refreshes it once for everyone when it is about to lapse or a call
 * gets 401 (one refresh in flight, however many calls wait on it), gives
 * every POST one Idempotency-Key that its retries reuse (so a retry after a
 * lost answer is a replay, never a second write), retries network failures
 * and 429/503 with backoff that honours Retry-After, and throws every
 * problem answer as a ProblemError.
 */
export function createSessionFetch(options: SessionFetchOptions) {
  let refreshing: Promise<Tokens> | undefined;

  async function refresh(stale: Tokens): Promise<Tokens> {
    refreshing ??= (async () => {
      try {
        const current = await options.tokens.get();
        // Another caller refreshed while this one waited: use theirs.
        if (current && current.accessToken !== stale.accessToken) return current;
        const res = await options.fetch(new Request(`${options.baseUrl}${REFRESH_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: stale.refreshToken }) }));
        if (!res.ok) {
          const problem = await problemOf(res);
          if (res.status === 401) {
            await options.tokens.set(undefined);
            options.onSessionEnded?.();
          }
          throw problem;
        }
        const body = (await res.json()) as Tokens;
        const next = { accessToken: body.accessToken, refreshToken: body.refreshToken };
        await options.tokens.set(next);
        options.onTokens?.(next);
        return next;
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  }

  async function freshTokens(minValidityMs = options.refreshAheadMs): Promise<Tokens | undefined> {
    const tokens = await options.tokens.get();
    if (!tokens) return undefined;
    const exp = jwtExpiry(tokens.accessToken);
    if (exp !== undefined && exp * 1000 - Date.now() < minValidityMs) return refresh(tokens);
    return tokens;
  }

  // The session's tokens, refreshed first when they lapse within `minValidityMs`: for what is not a fetch, such as a socket's handshake.
  return Object.assign(sessionFetch, { freshTokens });

  async function sessionFetch(input: Request): Promise<Response> {
    const path = new URL(input.url).pathname;
    const managesSession = SESSION_PATHS.has(path);
    const template = input.clone();
    if (input.method === 'POST' && !managesSession && !template.headers.has('idempotency-key')) template.headers.set('idempotency-key', options.newIdempotencyKey());

    let refreshedAfter401 = false;
    for (let attempt = 0; ; attempt++) {
      const request = template.clone();
      const tokens = managesSession ? undefined : await freshTokens();
      if (tokens) request.headers.set('authorization', `Bearer ${tokens.accessToken}`);

      let response: Response;
      try {
        response = await options.fetch(request);
      } catch (error) {
        // No answer: the request may or may not have run; the same Idempotency-Key makes the retry safe.
        if (attempt + 1 >= options.retry.attempts || input.signal?.aborted) throw error;
        await sleep(backoffMs(options.retry, attempt));
        continue;
      }
      if (response.ok) return response;

      if (response.status === 401 && tokens && !refreshedAfter401) {
        refreshedAfter401 = true;
        await refresh(tokens);
        attempt--;
        continue;
      }
      const problem = await problemOf(response);
      const retryable = RETRYABLE_STATUSES.has(response.status) || (response.status === 409 && problem.code === 'IDEMPOTENCY_KEY_IN_USE');
      if (retryable && attempt + 1 < options.retry.attempts) {
        await sleep(backoffMs(options.retry, attempt, problem.retryAfterSeconds));
        continue;
      }
      throw problem;
    }
  }
}
