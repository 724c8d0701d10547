import { and, eq, sql } from 'drizzle-orm';
import type { SystemTx, TenantTx } from '@coachline/db/database';
import { purchases, stripeEvents } from '@coachline/db/schema/index';

export async function findStripeEvent(tx: TenantTx, id: string) {
  const [row] = await tx
    .select()
    .from(stripeEvents)
    .where(and(eq(stripeEvents.tenantId, tx.scope.tenantId), eq(stripeEvents.id, id)));
  return row;
}

export async function purchaseIdByPaymentIntent(tx: TenantTx, paymentIntentId: string): Promise<string | undefined> {
  const [row] = await tx
    .select({ id: purchases.id })
    .from(purchases)
    .where(and(eq(purchases.tenantId, tx.scope.tenantId), eq(purchases.paymentIntentId, paymentIntentId)));
  return row?.id;
}

/**
 * Claims the past-due subscriptions of every tenant whose last reminder (or
 * the failure itself) is at least `intervalHours` old, counting the reminder.
 */
export async function claimDunningReminders(tx: SystemTx, intervalHours: number, maxReminders: number, limit: number) {
  const result = await tx.execute(sql`
    UPDATE subscriptions s SET dunning_reminders = s.dunning_reminders + 1, last_reminded_at = now()
    FROM (
      SELECT tenant_id, id FROM subscriptions
      WHERE status = 'past_due' AND dunning_reminders < ${maxReminders}
        AND coalesce(last_reminded_at, past_due_since, updated_at) <= now() - make_interval(secs => ${intervalHours * 3600})
      ORDER BY tenant_id, id LIMIT ${limit} FOR UPDATE SKIP LOCKED
    ) due
    WHERE s.tenant_id = due.tenant_id AND s.id = due.id
    RETURNING s.tenant_id, s.id, s.dunning_reminders`);
  return (result.rows as { tenant_id: string; id: string; dunning_reminders: number }[]).map((r) => ({ tenantId: r.tenant_id, subscriptionId: r.id, reminder: r.dunning_reminders }));
}
