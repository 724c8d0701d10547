import { createHash, randomBytes } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** rt: refresh, inv: invitation, cal: private calendar feed address, pwr: password reset. */
export type OpaqueTokenKind = 'rt' | 'inv' | 'cal' | 'pwr';

/**
 * Refresh, invitation, calendar-feed and password-reset tokens: `<kind>_<tenantId>.<256 random bits>`. The
 * tenant prefix lets the lookup run inside that tenant's RLS context; only a
 * SHA-256 of the whole token is stored.
 */
export function issueOpaqueToken(kind: OpaqueTokenKind, tenantId: string): { token: string; hash: string } {
  const token = `${kind}_${tenantId}.${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashOpaqueToken(token) };
}

export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The tenant a token belongs to, or undefined when it is not of our shape. */
export function tenantOfToken(kind: OpaqueTokenKind, token: string): string | undefined {
  const match = new RegExp(`^${kind}_([0-9a-f-]{36})\\.[A-Za-z0-9_-]{43}$`).exec(token);
  return match && UUID.test(match[1]!) ? match[1] : undefined;
}
