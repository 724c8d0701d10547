import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { SystemTx, TenantTx } from '@coachline/db/database';
import { recipientsPage, type Recipient } from './recipients.repository';
import { triageItems, users } from '@coachline/db/schema/index';

export type StaffRecipient = Recipient;

/** One page of COACHes and ADMINs across every tenant, keyed by (tenant, membership). */
export function staffPage(systemTx: SystemTx, after: { tenantId: string; membershipId: string }, limit: number, tenantIds?: readonly string[]): Promise<StaffRecipient[]> {
  return recipientsPage(systemTx, ['COACH', 'ADMIN'], after, limit, tenantIds);
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
