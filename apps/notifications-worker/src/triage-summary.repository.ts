import { and, asc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { SystemTx, TenantTx } from '@coachline/db/database';
import { currentMember } from '@coachline/db/memberships';
import { memberships, triageItems, users } from '@coachline/db/schema/index';

export interface StaffRecipient {
  tenantId: string;
  membershipId: string;
  userId: string;
  email: string;
  name: string;
}

/** One page of COACHes and ADMINs across every tenant, keyed by (tenant, membership). */
export async function staffPage(systemTx: SystemTx, after: { tenantId: string; membershipId: string }, limit: number, tenantIds?: readonly string[]): Promise<StaffRecipient[]> {
  return systemTx
    .select({ tenantId: memberships.tenantId, membershipId: memberships.id, userId: users.id, email: users.email, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        inArray(memberships.role, ['COACH', 'ADMIN']),
        currentMember,
        sql`(${memberships.tenantId}, ${memberships.id}) > (${after.tenantId}::uuid, ${after.membershipId}::uuid)`,
        tenantIds ? inArray(memberships.tenantId, [...tenantIds]) : undefined,
      ),
    )
    .orderBy(asc(memberships.tenantId), asc(memberships.id))
    .limit(limit);
}

/** The triage items found in [from, to), with their athlete's name. */
export async function triageItemsFound(tx: TenantTx, from: Date, to: Date) {
  return tx
    .select({ athleteId: triageItems.athleteId, athleteName: users.name, kind: triageItems.kind, detail: triageItems.detail, since: triageItems.since })
    .from(triageItems)
    .innerJoin(users, eq(users.id, triageItems.athleteId))
    .where(and(eq(triageItems.tenantId, tx.scope.tenantId), gte(triageItems.createdAt, from), lt(triageItems.createdAt, to)))
    .orderBy(asc(triageItems.createdAt));
}
