/**
 * What the platform needs of a fitness provider: the OAuth 2 authorization
 * code flow, the athlete's activities, revocation, and the provider's own push
 * protocol. Strava is the first; `ProviderName` (`@coachline/domain/api/integrations`)
 * lists the rest as they come.
 */

/** Tokens as the provider issued them; sealed before they are stored. */
export interface ProviderTokens {
  accessToken: string;
  refreshToken: string;
  /** When the access token stops working; refreshed a little before. */
  expiresAt: Date;
  scope?: string;
}

/** A completed exchange: the tokens and the athlete's id at the provider. */
export interface ProviderGrant extends ProviderTokens {
  accountId: string;
}

/** One activity, in the platform's units. */
export interface ProviderActivity {
  externalId: string;
  title: string;
  /** The provider's kind of sport (`Run`, `Ride`, ...). */
  sport: string;
  startedAt: Date;
  distanceM: number | null;
  durationSeconds: number | null;
  caloriesKcal: number | null;
}

/** A verified push: which athlete it concerns, a key that identifies the event, and when it happened. */
export interface ProviderPush {
  accountId: string;
  eventKey: string;
  occurredAt: Date;
  /** Whether the event should cause a sync (a deauthorization, say, should not fetch anything). */
  syncs: boolean;
  /** The athlete withdrew the platform's access at the provider. */
  revoked: boolean;
}

export interface AuthorizationRequest {
  state: string;
  redirectUri: string;
  /** PKCE challenge (S256), only for providers whose `supportsPkce` is true. */
  codeChallenge?: string;
}

export interface IntegrationProvider {
  readonly name: string;
  readonly supportsPkce: boolean;
  authorizationUrl(request: AuthorizationRequest): URL;
  exchangeCode(code: string, redirectUri: string, codeVerifier?: string): Promise<ProviderGrant>;
  refresh(refreshToken: string): Promise<ProviderTokens>;
  /** Activities that started after `since`, oldest first. */
  listActivities(accessToken: string, since: Date): Promise<ProviderActivity[]>;
  getActivity(accessToken: string, externalId: string): Promise<ProviderActivity>;
  revoke(accessToken: string): Promise<void>;
  /** Answers the provider's subscription handshake: the challenge to echo, or a ProviderPushRejected. */
  verifyHandshake(query: Record<string, unknown>): string;
  /** A push as the provider posts it, verified as the provider specifies, or a ProviderPushRejected. */
  verifyPush(body: unknown, now?: Date): ProviderPush;
  /** Whether the breaker stands open: a caller that can wait puts the work off until `retryAt`. */
  unavailableUntil(): Date | undefined;
}

/** The provider refused the grant (a revoked or expired refresh token, a withdrawn authorization): the athlete must connect again. */
export class ProviderGrantRevokedError extends Error {
  readonly code = 'PROVIDER_GRANT_REVOKED';
}

/** The provider is down, slow, or its breaker is open: worth retrying later. */
export class ProviderUnavailableError extends Error {
  readonly code = 'PROVIDER_UNAVAILABLE';
  constructor(
    message: string,
    /** When trying again makes sense, if known (an open breaker's reset). */
    readonly retryAt?: Date,
  ) {
    super(message);
  }
}

/** The app's shared request budget at the provider is spent until `retryAt`. */
export class ProviderRateLimitedError extends Error {
  readonly code = 'PROVIDER_RATE_LIMITED';
  constructor(
    message: string,
    readonly retryAt: Date,
  ) {
    super(message);
  }
}

/** A push or handshake that does not verify. */
export class ProviderPushRejected extends Error {
  readonly code = 'PROVIDER_PUSH_REJECTED';
  constructor(
    message: string,
    /** `forbidden`: a wrong verify token; `invalid`: a malformed, foreign or stale event. */
    readonly kind: 'forbidden' | 'invalid',
  ) {
    super(message);
  }
}
