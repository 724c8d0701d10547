import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { ROLES, type Role } from '@coachline/domain/roles';

/**
 * What an access token proves: who, in which tenant, as which role when it
 * was issued, in which session, until when. The role and the session are
 * checked against the database before anything acts on them (MemberAccess in
 * @coachline/use-cases), so a removal, a demotion or an ended session counts
 * before the token expires.
 */
export interface AccessClaims {
  userId: string;
  tenantId: string;
  role: Role;
  /** The refresh-token family the token was issued with; absent from tokens issued before sessions were named. */
  sessionId?: string;
  expiresAt: number;
}

const claimsSchema = z.object({
  sub: z.uuid(),
  tid: z.uuid(),
  role: z.enum(ROLES),
  sid: z.uuid().optional(),
  exp: z.number(),
});

export interface AccessTokenOptions {
  secret: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export class InvalidAccessTokenError extends Error {}

/**
 * Signs and verifies HS256 access tokens. The key object is built once: given a
 * string secret, jsonwebtoken rebuilds it on every call and verifies ~30x slower.
 */
export class AccessTokens {
  private readonly key: KeyObject;
  /**
   * Claims of tokens already verified, until they expire. A client sends the
   * same token for up to 15 minutes, and re-verifying it (decode, HMAC, claim
   * checks) is a measurable share of a hot read; any other string, a tampered
   * token included, misses and is verified in full.
   */
  private readonly verified = new LRUCache<string, AccessClaims>({ max: 10_000 });
  constructor(private readonly options: AccessTokenOptions) {
    this.key = createSecretKey(Buffer.from(options.secret, 'utf8'));
  }

  get ttlSeconds(): number {
    return this.options.ttlSeconds;
  }

  sign(claims: { userId: string; tenantId: string; role: Role; sessionId?: string }): string {
    return jwt.sign({ tid: claims.tenantId, role: claims.role, sid: claims.sessionId }, this.key, {
      algorithm: 'HS256',
      subject: claims.userId,
      issuer: this.options.issuer,
      audience: this.options.audience,
      expiresIn: this.options.ttlSeconds,
    });
  }

  verify(token: string): AccessClaims {
    const cached = this.verified.get(token);
    if (cached) {
      if (cached.expiresAt * 1000 > Date.now()) return cached;
      this.verified.delete(token);
      throw new InvalidAccessTokenError('jwt expired');
    }
    const claims = this.verifyInFull(token);
    this.verified.set(token, Object.freeze(claims), { ttl: Math.max(1, claims.expiresAt * 1000 - Date.now()) });
    return claims;
  }

  private verifyInFull(token: string): AccessClaims {
    let decoded: unknown;
    try {
      decoded = jwt.verify(token, this.key, {
        algorithms: ['HS256'],
        issuer: this.options.issuer,
        audience: this.options.audience,
      });
    } catch (error) {
      throw new InvalidAccessTokenError((error as Error).message);
    }
    const parsed = claimsSchema.safeParse(decoded);
    if (!parsed.success) throw new InvalidAccessTokenError('malformed claims');
    const { sub: userId, tid: tenantId, role, sid: sessionId, exp: expiresAt } = parsed.data;
    return sessionId ? { userId, tenantId, role, sessionId, expiresAt } : { userId, tenantId, role, expiresAt };
  }
}

/** Settings shared by every process that signs or checks access tokens. */
export const accessTokenConfigSchema = z.object({
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters'),
  JWT_ISSUER: z.string().default('coachline'),
  JWT_AUDIENCE: z.string().default('coachline-api'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
});
