import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { NewRow, TenantTx } from '@coachline/db/database';
import { webhookDeliveries, webhookEndpoints } from '@coachline/db/schema/index';

/** Every column but the sealed secret, which no read of the API returns. */
const endpointColumns = {
  id: webhookEndpoints.id,
  url: webhookEndpoints.url,
  events: webhookEndpoints.events,
  description: webhookEndpoints.description,
  status: webhookEndpoints.status,
  createdAt: webhookEndpoints.createdAt,
  disabledAt: webhookEndpoints.disabledAt,
};
export type EndpointRow = { [K in keyof typeof endpointColumns]: (typeof webhookEndpoints.$inferSelect)[K] };

export async function insertEndpoint(tx: TenantTx, row: NewRow<typeof webhookEndpoints>): Promise<EndpointRow> {
  const [created] = await tx
    .insert(webhookEndpoints)
    .values({ ...row, tenantId: tx.scope.tenantId })
    .returning(endpointColumns);
  return created!;
}

/** Newest first. */
export function listEndpoints(tx: TenantTx, limit: number, beforeId?: string): Promise<EndpointRow[]> {
  return tx
    .select(endpointColumns)
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tx.scope.tenantId), beforeId ? lt(webhookEndpoints.id, beforeId) : undefined))
    .orderBy(desc(webhookEndpoints.id))
    .limit(limit + 1);
}

export async function findEndpoint(tx: TenantTx, id: string, options: { lock?: boolean } = {}): Promise<EndpointRow | undefined> {
  const query = tx
    .select(endpointColumns)
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tx.scope.tenantId), eq(webhookEndpoints.id, id)));
  const [row] = options.lock ? await query.for('update') : await query;
  return row;
}

/** Its deliveries go with it (the foreign key cascades). */
export async function deleteEndpoint(tx: TenantTx, id: string): Promise<boolean> {
  const rows = await tx
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tx.scope.tenantId), eq(webhookEndpoints.id, id)))
    .returning({ id: webhookEndpoints.id });
  return rows.length > 0;
}

const deliveryColumns = {
  id: webhookDeliveries.id,
  eventId: webhookDeliveries.eventId,
  eventType: webhookDeliveries.eventType,
  status: webhookDeliveries.status,
  attempts: webhookDeliveries.attempts,
  lastStatusCode: webhookDeliveries.lastStatusCode,
  nextAttemptAt: webhookDeliveries.nextAttemptAt,
  createdAt: webhookDeliveries.createdAt,
};
export type DeliveryRow = { [K in keyof typeof deliveryColumns]: (typeof webhookDeliveries.$inferSelect)[K] };

/** One endpoint's deliveries, newest first. */
export function listDeliveries(tx: TenantTx, endpointId: string, limit: number, beforeId?: string): Promise<DeliveryRow[]> {
  return tx
    .select(deliveryColumns)
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.tenantId, tx.scope.tenantId), eq(webhookDeliveries.endpointId, endpointId), beforeId ? lt(webhookDeliveries.id, beforeId) : undefined))
    .orderBy(desc(webhookDeliveries.id))
    .limit(limit + 1);
}

/**
 * Makes a delivery of the endpoint due now, with a fresh retry window; the
 * attempts it already made stay counted. Undefined when the endpoint has no such delivery.
 */
export async function rescheduleDelivery(tx: TenantTx, endpointId: string, deliveryId: string): Promise<DeliveryRow | undefined> {
  const [row] = await tx
    .update(webhookDeliveries)
    .set({ status: 'pending', nextAttemptAt: sql`now()`, windowStartedAt: sql`now()` })
    .where(and(eq(webhookDeliveries.tenantId, tx.scope.tenantId), eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.id, deliveryId)))
    .returning(deliveryColumns);
  return row;
}
