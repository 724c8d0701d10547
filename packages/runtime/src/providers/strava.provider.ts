import { timingSafeEqual } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { stravaEventBody } from '@coachline/domain/api/integrations';
import { isBreakerOpen, withBreaker } from '../circuit-breaker';
import type { Logger } from '../logger';
import { UnsafeDestinationError, type OutboundHttp, type OutboundRequest } from '../outbound-http';
import { guardedFetch } from './guarded-fetch';
import {
  ProviderGrantRevokedError,
  ProviderPushRejected,
  ProviderRateLimitedError,
  ProviderUnavailableError,
  type IntegrationProvider,
  type ProviderActivity,
  type ProviderTokens,
} from './provider';
import { parseRateHeader, type RateBudget } from './rate-budget';

export interface StravaOptions {
  clientId: string;
  clientSecret: string;
  oauthUrl: string;
  apiUrl: string;
  webhookVerifyToken?: string;
  subscriptionId?: number;
  replayWindowSeconds: number;
  /**
   * Strava's base URLs come from configuration, never from a user, but calls
   * still go through the guard: one path for every outbound request, and the
   * local stand-in on loopback is reachable only where configuration allows it.
   */
  outbound: OutboundHttp;
  allowLoopback: boolean;
  budget: RateBudget;
  timeoutMs: number;
  breakerResetMs: number;
  logger: Logger;
}

/** Activities per page; Strava allows up to 200. */
const PAGE_SIZE = 100;
/** Pages read per sync at most: a first sync of a very active athlete continues on the next run. */
const MAX_PAGES = 5;

interface StravaActivity {
  id: number;
  name?: string;
  sport_type?: string;
  type?: string;
  start_date: string;
  distance?: number;
  moving_time?: number;
  elapsed_time?: number;
  calories?: number;
  kilojoules?: number;
}

function toActivity(raw: StravaActivity): ProviderActivity {
  // Summaries lack calories; rides carry the work done in kJ, which is about the kcal burnt at human efficiency.
  const calories = raw.calories ?? (raw.kilojoules !== undefined ? raw.kilojoules : null);
  return {
    externalId: String(raw.id),
    title: raw.name?.slice(0, 200) || 'Activity',
    sport: raw.sport_type ?? raw.type ?? 'Workout',
    startedAt: new Date(raw.start_date),
    distanceM: typeof raw.distance === 'number' ? Math.round(raw.distance * 10) / 10 : null,
    durationSeconds: raw.moving_time ?? raw.elapsed_time ?? null,
    caloriesKcal: calories !== null && Number.isFinite(calories) ? Math.round(calories * 10) / 10 : null,
  };
}

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Strava through oauth4webapi. Strava implements the authorization code grant
 * without PKCE (its authorize endpoint ignores code_challenge and its token
 * endpoint takes no code_verifier), so the flow relies on the client secret and
 * the single-use, user-bound `state`.
 */
export function createStravaProvider(options: StravaOptions): IntegrationProvider & { shutdown(): void } {
  const as: oauth.AuthorizationServer = {
    issuer: new URL(options.oauthUrl).origin,
    authorization_endpoint: `${options.oauthUrl}/authorize`,
    token_endpoint: `${options.oauthUrl}/token`,
  };
  const client: oauth.Client = { client_id: options.clientId };
  const clientAuth = oauth.ClientSecretPost(options.clientSecret);
  const apiBase = options.apiUrl.replace(/\/$/, '');

  /** One guarded call: the budget for API calls, the breaker for all, the usage headers recorded. */
  const call = async (url: string, request: OutboundRequest) => {
    const response = await options.outbound.request(url, request);
    // Only an unwell provider opens the breaker; a refusal of ours or of the athlete's grant says nothing about it.
    if (response.status >= 500) throw new ProviderUnavailableError(`Strava answered ${response.status}`);
    return response;
  };
  const breaker = withBreaker('provider:strava', call, {
    timeoutMs: options.timeoutMs,
    resetTimeoutMs: options.breakerResetMs,
    logger: options.logger,
    isFailure: (error) => !(error instanceof UnsafeDestinationError),
  });
  const unavailableUntil = () => (breaker.isOpen() ? new Date(Date.now() + options.breakerResetMs) : undefined);

  const send: OutboundHttp['request'] = async (url, request = {}) => {
    const api = url.startsWith(apiBase);
    if (api) {
      const budget = await options.budget.take();
      if (!budget.ok) throw new ProviderRateLimitedError('Strava request budget spent', budget.retryAt);
    }
    let response;
    try {
      response = await breaker(url, request);
    } catch (error) {
      if (isBreakerOpen(error)) throw new ProviderUnavailableError('Strava is failing; its breaker is open', unavailableUntil());
      if (error instanceof ProviderUnavailableError || error instanceof UnsafeDestinationError) throw error;
      throw new ProviderUnavailableError(`Strava could not be reached: ${(error as Error).message}`);
    }
    const header = (name: string) => {
      const value = response.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const usage = parseRateHeader(header('x-ratelimit-usage'));
    if (usage) await options.budget.record(usage, parseRateHeader(header('x-ratelimit-limit')));
    if (response.status === 429) throw new ProviderRateLimitedError('Strava rate limit reached', nextQuarterHour());
    return response;
  };
  const fetchOptions = { [oauth.customFetch]: guardedFetch(send), [oauth.allowInsecureRequests]: options.allowLoopback };

  /** Token endpoint failures: a 4xx means the grant is gone (Strava answers 400 for a revoked refresh token). */
  const tokenCall = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof oauth.ResponseBodyError) throw new ProviderGrantRevokedError(`Strava refused the grant: ${error.error}`);
      if (error instanceof oauth.WWWAuthenticateChallengeError) throw new ProviderGrantRevokedError('Strava refused the client or the grant');
      if (error instanceof oauth.OperationProcessingError && error.cause instanceof Response && error.cause.status >= 400 && error.cause.status < 500) {
        throw new ProviderGrantRevokedError(`Strava refused the grant (${error.cause.status})`);
      }
      throw error;
    }
  };

  const tokensOf = (result: oauth.TokenEndpointResponse): ProviderTokens => {
    if (!result.refresh_token) throw new ProviderUnavailableError('Strava issued no refresh token');
    const expiresAt = typeof result.expires_at === 'number' ? new Date(result.expires_at * 1000) : new Date(Date.now() + (result.expires_in ?? 3600) * 1000);
    return { accessToken: result.access_token, refreshToken: result.refresh_token, expiresAt, scope: typeof result.scope === 'string' ? result.scope : undefined };
  };

  const api = async <T>(accessToken: string, path: string): Promise<T> => {
    let response: Response;
    try {
      response = await oauth.protectedResourceRequest(accessToken, 'GET', new URL(`${apiBase}${path}`), undefined, undefined, fetchOptions);
    } catch (error) {
      if (error instanceof oauth.WWWAuthenticateChallengeError) throw new ProviderGrantRevokedError('Strava refused the access token');
      throw error;
    }
    if (response.status === 401 || response.status === 403) throw new ProviderGrantRevokedError(`Strava refused the access token (${response.status})`);
    if (response.status !== 200) throw new ProviderUnavailableError(`Strava answered ${response.status} for ${path.split('?')[0]}`);
    return (await response.json()) as T;
  };

  return {
    name: 'strava',
    supportsPkce: false,
    unavailableUntil,
    shutdown: () => breaker.shutdown(),

    authorizationUrl({ state, redirectUri }) {
      const url = new URL(as.authorization_endpoint!);
      url.searchParams.set('client_id', options.clientId);
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('approval_prompt', 'auto');
      url.searchParams.set('scope', 'read,activity:read_all');
      url.searchParams.set('state', state);
      return url;
    },

    async exchangeCode(code, redirectUri) {
      return tokenCall(async () => {
        // The state was checked (hashed, single use, bound to the user) before the code got here.
        const params = oauth.validateAuthResponse(as, client, new URLSearchParams({ code }), oauth.skipStateCheck);
        const response = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, redirectUri, oauth.nopkce, fetchOptions);
        const result = await oauth.processAuthorizationCodeResponse(as, client, response);
        const athlete = result.athlete as { id?: unknown } | undefined;
        if (typeof athlete?.id !== 'number' && typeof athlete?.id !== 'string') throw new ProviderUnavailableError('Strava named no athlete');
        return { ...tokensOf(result), accountId: String(athlete.id) };
      });
    },

    async refresh(refreshToken) {
      return tokenCall(async () => {
        const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshToken, fetchOptions);
        return tokensOf(await oauth.processRefreshTokenResponse(as, client, response));
      });
    },

    async listActivities(accessToken, since) {
      const all: ProviderActivity[] = [];
      const after = Math.floor(since.getTime() / 1000);
      for (let page = 1; page <= MAX_PAGES; page++) {
        const batch = await api<StravaActivity[]>(accessToken, `/athlete/activities?after=${after}&page=${page}&per_page=${PAGE_SIZE}`);
        all.push(...batch.map(toActivity));
        if (batch.length < PAGE_SIZE) break;
      }
      return all.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    },

    async getActivity(accessToken, externalId) {
      if (!/^\d{1,20}$/.test(externalId)) throw new TypeError('Not a Strava activity id');
      return toActivity(await api<StravaActivity>(accessToken, `/activities/${externalId}`));
    },

    async revoke(accessToken) {
      // Strava's deauthorization is its own endpoint rather than RFC 7009 revocation; it takes the access token.
      const response = await oauth.protectedResourceRequest(
        accessToken,
        'POST',
        new URL(`${options.oauthUrl}/deauthorize`),
        new Headers({ 'content-type': 'application/x-www-form-urlencoded' }),
        new URLSearchParams({ access_token: accessToken }),
        fetchOptions,
      ).catch((error: unknown) => {
        // A token Strava no longer knows is as revoked as it gets.
        if (error instanceof oauth.WWWAuthenticateChallengeError) return undefined;
        throw error;
      });
      if (response && response.status >= 400 && response.status !== 401) throw new ProviderUnavailableError(`Strava answered ${response.status} to deauthorize`);
    },

    verifyHandshake(query) {
      const expected = options.webhookVerifyToken;
      const token = query['hub.verify_token'];
      if (query['hub.mode'] !== 'subscribe' || typeof query['hub.challenge'] !== 'string') throw new ProviderPushRejected('Not a subscription handshake', 'invalid');
      if (!expected || typeof token !== 'string' || !sameSecret(token, expected)) throw new ProviderPushRejected('Wrong verify token', 'forbidden');
      return query['hub.challenge'];
    },

    verifyPush(body, now = new Date()) {
      const parsed = stravaEventBody.safeParse(body);
      if (!parsed.success) throw new ProviderPushRejected('Not a Strava event', 'invalid');
      const event = parsed.data;
      // Strava signs nothing: an event is genuine when it names our subscription, whose id only Strava and we know.
      if (options.subscriptionId === undefined || event.subscription_id !== options.subscriptionId) throw new ProviderPushRejected('Unknown subscription', 'invalid');
      const occurredAt = new Date(event.event_time * 1000);
      if (Math.abs(now.getTime() - occurredAt.getTime()) > options.replayWindowSeconds * 1000) throw new ProviderPushRejected('Event outside the replay window', 'invalid');
      const revoked = event.object_type === 'athlete' && event.updates?.authorized === 'false';
      return {
        accountId: String(event.owner_id),
        eventKey: `${event.subscription_id}:${event.object_type}:${event.object_id}:${event.aspect_type}:${event.event_time}`,
        occurredAt,
        syncs: event.object_type === 'activity' && event.aspect_type !== 'delete',
        revoked,
      };
    },
  };
}

function nextQuarterHour(): Date {
  const quarter = 15 * 60_000;
  return new Date(Math.ceil((Date.now() + 1) / quarter) * quarter);
}
