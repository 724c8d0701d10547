import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './generated/openapi';
import { DEFAULT_RETRY, type RetryPolicy } from './retry-policy';
import { createSessionFetch } from './session-fetch';
import { memoryTokenStore, type Tokens, type TokenStore } from './token-store';

export interface CoachlineClientOptions {
  /** The API's origin, e.g. `https://api.example.com` (paths start with /v1). */
  baseUrl: string;
  /** Where the session lives; in memory unless given. */
  tokens?: TokenStore;
  retry?: Partial<RetryPolicy>;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Refresh this many milliseconds before the access token expires (default 30 s). */
  refreshAheadMs?: number;
  /** Makes Idempotency-Keys; defaults to crypto.randomUUID. */
  newIdempotencyKey?: () => string;
  onSessionEnded?: () => void;
  onTokens?: (tokens: Tokens) => void;
}

export interface SignInAnswer {
  user: { id: string; email: string; name: string };
  tenant: { id: string; name: string };
  role: string;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface CoachlineClient {
  /** Every operation of the API, typed from its OpenAPI document: `api.GET('/v1/workouts/{id}', { params: { path: { id } } })`. */
  api: Client<paths>;
  tokens: TokenStore;
  /** Signs in and keeps the session; later calls carry and refresh it. */
  login(body: { email: string; password: string; tenantId?: string }): Promise<SignInAnswer>;
  /** Ends the session here and at the server (its refresh-token family is revoked). */
  logout(): Promise<void>;
  /** The session's access token, refreshed first when it lapses within `minValidityMs` (default `refreshAheadMs`); undefined when signed out. */
  accessToken(minValidityMs?: number): Promise<string | undefined>;
  /** Hears every new pair of tokens (a login, a refresh) until the returned function is called: a live socket passes them on. */
  subscribeTokens(listener: (tokens: Tokens) => void): () => void;
}

/**
 * The Coachline API client: openapi-fetch over the generated types, with a
 * fetch that carries the session (see createSessionFetch). Every answer that
 * is not 2xx throws a ProblemError, so `data` is there whenever a call returns.
 */
export function createCoachlineClient(options: CoachlineClientOptions): CoachlineClient {
  const baseUrl = options.baseUrl.replace(/\/$/, '');
  const tokens = options.tokens ?? memoryTokenStore();
  const listeners = new Set<(tokens: Tokens) => void>();
  const announce = (next: Tokens) => {
    options.onTokens?.(next);
    for (const listener of listeners) listener(next);
  };
  const sessionFetch = createSessionFetch({
    baseUrl,
    tokens,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    refreshAheadMs: options.refreshAheadMs ?? 30_000,
    newIdempotencyKey: options.newIdempotencyKey ?? (() => crypto.randomUUID()),
    ...(options.onSessionEnded ? { onSessionEnded: options.onSessionEnded } : {}),
    onTokens: announce,
  });
  const api = createClient<paths>({ baseUrl, fetch: sessionFetch });

  return {
    api,
    tokens,
    async login(body) {
      const { data } = await api.POST('/v1/auth/login', { body });
      const answer = data as SignInAnswer;
      const next = { accessToken: answer.accessToken, refreshToken: answer.refreshToken };
      await tokens.set(next);
      announce(next);
      return answer;
    },
    async logout() {
      const current = await tokens.get();
      await tokens.set(undefined);
      if (current) await api.POST('/v1/auth/logout', { body: { refreshToken: current.refreshToken } });
    },
    async accessToken(minValidityMs) {
      return (await sessionFetch.freshTokens(minValidityMs))?.accessToken;
    },
    subscribeTokens(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
