import type { TenantTx } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { stripeEvents } from '@coachline/db/schema/index';

/** Records a Stripe event once by its id; undefined when it was recorded before. */
export async function recordStripeEvent(tx: TenantTx, event: { id: string; type: string; created: number; payload: Record<string, unknown> }) {
  const [row] = await tx
    .insert(stripeEvents)
    .values({ tenantId: tx.scope.tenantId, id: newId(), stripeEventId: event.id, type: event.type, eventCreatedAt: new Date(event.created * 1000), payload: event.payload })
    .onConflictDoNothing()
    .returning({ id: stripeEvents.id });
  return row;
}
