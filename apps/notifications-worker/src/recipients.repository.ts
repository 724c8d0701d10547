import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { SystemTx } from '@coachline/db/database';
import { currentMember } from '@coachline/db/memberships';
import { memberships, users } from '@coachline/db/schema/index';
import type { Role } from '@coachline/domain/roles';

/** A current member a periodic email goes to. */
export interface Recipient {
  tenantId: string;
  membershipId: string;
  userId: string;
  email: string;
  name: string;
}

/**
 * One page of current members with one of `roles` across every tenant (or the
 * given ones), keyed by (tenant, membership) so a sweep resumes where it left off.
 */
export async function recipientsPage(
  systemTx: SystemTx,
  roles: readonly Role[],
  after: { tenantId: string; membershipId: string },
  limit: number,
  tenantIds?: readonly string[],
): Promise<Recipient[]> {
  return systemTx
    .select({ tenantId: memberships.tenantId, membershipId: memberships.id, userId: users.id, email: users.email, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        inArray(memberships.role, [...roles]),
        currentMember,
        sql`(${memberships.tenantId}, ${memberships.id}) > (${after.tenantId}::uuid, ${after.membershipId}::uuid)`,
        tenantIds ? inArray(memberships.tenantId, [...tenantIds]) : undefined,
      ),
    )
    .orderBy(asc(memberships.tenantId), asc(memberships.id))
    .limit(limit);
}
