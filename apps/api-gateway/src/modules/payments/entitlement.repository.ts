import { sql } from 'drizzle-orm';
import type { TenantTx } from '@coachline/db/database';

interface EntitlementRow {
  program_ids: string[] | null;
  credits: number;
  subscription: { product_id: string; status: 'active' | 'past_due' | 'canceled'; current_period_end: string | null } | null;
}

/**
 * Programs held through purchases, the credit balance (the ledger's sum) and the
 * latest subscription, in one statement: one snapshot, so a subscription that
 * was just cancelled is never shown with the programs it no longer grants.
 */
export async function entitlementsOf(tx: TenantTx, userId: string): Promise<EntitlementRow> {
  const tenantId = tx.scope.tenantId;
  const result = await tx.execute(sql`SELECT
    (SELECT array_agg(DISTINCT a.program_id ORDER BY a.program_id) FROM program_assignments a
      WHERE a.tenant_id = ${tenantId}::uuid AND a.athlete_id = ${userId}::uuid AND a.purchase_id IS NOT NULL) AS program_ids,
    (SELECT coalesce(sum(l.delta), 0)::int FROM credit_ledger l WHERE l.tenant_id = ${tenantId}::uuid AND l.user_id = ${userId}::uuid) AS credits,
    (SELECT json_build_object('product_id', s.product_id, 'status', s.status, 'current_period_end', s.current_period_end) FROM subscriptions s
      WHERE s.tenant_id = ${tenantId}::uuid AND s.user_id = ${userId}::uuid ORDER BY s.created_at DESC, s.id DESC LIMIT 1) AS subscription`);
  return result.rows[0] as unknown as EntitlementRow;
}
