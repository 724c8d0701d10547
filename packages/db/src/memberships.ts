import { and, eq, isNull } from 'drizzle-orm';
import type { Role } from '@coachline/domain/roles';
import { queryRows, type TenantTx } from './database';
import { memberships } from './schema/index';

/**
 * The condition that makes a membership row a member: removed members keep
 * their row (their history references it) but are no members. Every query that
 * asks "is this person in the organization" adds it.
 */
export const currentMember = isNull(memberships.removedAt);

/** Whether `userId` is a current member of the transaction's tenant. */
export async function isMember(tx: TenantTx, userId: string): Promise<boolean> {
  const [member] = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.tenantId, tx.scope.tenantId), eq(memberships.userId, userId), currentMember));
  return member !== undefined;
}

export interface MemberAccessRow {
  role: Role;
  /** The access token's session (its refresh-token family) was revoked: logout, password change or reuse. */
  sessionEnded: boolean;
}

/**
 * What an access token may still do: the member's current role, and whether
 * its session has ended. A session is ended when its family has a revoked row,
 * rather than live while it has an unrevoked one, so that the purge of expired
 * rows never ends a session early. Plain SQL, prepared once per connection:
 * every request of a user whose cached answer has lapsed runs it.
 */
const memberAccess = {
  name: 'coachline_member_access',
  text: `SELECT m.role,
      ($3::uuid IS NOT NULL AND EXISTS (
        SELECT 1 FROM refresh_tokens r WHERE r.tenant_id = m.tenant_id AND r.family_id = $3::uuid AND r.revoked_at IS NOT NULL
      )) AS "sessionEnded"
    FROM memberships m
    WHERE m.tenant_id = $1 AND m.user_id = $2 AND m.removed_at IS NULL`,
};

/** The caller's access in the transaction's tenant, or undefined when they are no (longer a) member. */
export async function findMemberAccess(tx: TenantTx, userId: string, sessionId: string | undefined): Promise<MemberAccessRow | undefined> {
  const [row] = await queryRows<MemberAccessRow>(tx, memberAccess, [tx.scope.tenantId, userId, sessionId ?? null]);
  return row;
}
