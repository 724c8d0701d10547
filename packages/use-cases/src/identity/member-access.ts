import { LRUCache } from 'lru-cache';
import type { Database } from '@coachline/db/database';
import { findMemberAccess } from '@coachline/db/memberships';
import { UnauthenticatedError } from '@coachline/domain/errors';
import type { Role } from '@coachline/domain/roles';
import type { AccessClaims } from '@coachline/runtime/access-token';

/**
 * How long an answer is reused: a role change, a removal or an ended session
 * reaches access tokens already issued within this time (API.md promises 5 s,
 * which leaves room for a request in flight).
 */
export const MEMBER_ACCESS_TTL_MS = 2_000;

type Answer = { member: false } | { member: true; role: Role; sessionEnded: boolean };
type Claims = Pick<AccessClaims, 'userId' | 'tenantId' | 'sessionId'>;

/**
 * What an access token may do now, asked of Postgres rather than believed from
 * the token: HTTP requests and socket events act as the member's current role,
 * and a removed member or an ended session is refused.
 *
 * Why a short cache rather than invalidations published over Redis: a lost or
 * late message would leave a demoted ADMIN with ADMIN rights until the token
 * expires (15 minutes), whereas a lapsed entry always asks Postgres again, so
 * the bound holds whatever happens to Redis. The cost stays small: one indexed
 * lookup per user, session and process every two seconds at most (concurrent
 * misses share it), and a map lookup for every request in between.
 */
export class MemberAccess {
  private readonly answers: LRUCache<string, Answer, Claims>;

  constructor(db: Database, options: { ttlMs?: number; max?: number } = {}) {
    this.answers = new LRUCache<string, Answer, Claims>({
      max: options.max ?? 100_000,
      ttl: options.ttlMs ?? MEMBER_ACCESS_TTL_MS,
      fetchMethod: async (_key, _stale, { context }) => {
        const row = await db.readAsTenant({ tenantId: context.tenantId }, (tx) => findMemberAccess(tx, context.userId, context.sessionId));
        return row ? { member: true, role: row.role, sessionEnded: row.sessionEnded } : { member: false };
      },
    });
  }

  /**
   * The member's current role; an UnauthenticatedError once they left the
   * tenant or the token's session ended. `fresh` asks Postgres whatever the
   * cache holds, for what outlives a request: a socket opened by a member
   * removed a moment ago would miss the closing of their sockets, sent already.
   */
  async currentRole(claims: Claims, options: { fresh?: boolean } = {}): Promise<Role> {
    const key = `${claims.tenantId}:${claims.userId}:${claims.sessionId ?? ''}`;
    // A plain get first: fetch builds promises even for a hit, which the hot path need not pay for.
    const cached = options.fresh ? undefined : this.answers.get(key);
    const context = { tenantId: claims.tenantId, userId: claims.userId, sessionId: claims.sessionId };
    const answer = cached ?? (await this.answers.fetch(key, { context, forceRefresh: options.fresh === true }));
    if (!answer?.member) throw new UnauthenticatedError('You are no longer a member of this organization.');
    if (answer.sessionEnded) throw new UnauthenticatedError('This session has ended; log in again.');
    return answer.role;
  }
}
