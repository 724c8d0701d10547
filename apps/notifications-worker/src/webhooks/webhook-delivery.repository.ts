import { and, arrayContains, eq, lt, sql } from 'drizzle-orm';
import type { SystemTx, TenantTx } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { webhookDeliveries, webhookEndpoints } from '@coachline/db/schema/index';

/**
 * The tenant's active endpoints subscribed to `type` that existed when the
 * event happened: one registered while the event waited in the outbox does not get it.
 */
export async function subscribedEndpoints(tx: TenantTx, type: string, occurredAt: Date): Promise<{ id: string }[]> {
  return tx
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.tenantId, tx.scope.tenantId),
        eq(webhookEndpoints.status, 'active'),
        arrayContains(webhookEndpoints.events, [type]),
        // Event times travel in milliseconds and Postgres keeps microseconds: the whole millisecond counts.
        lt(webhookEndpoints.createdAt, new Date(occurredAt.getTime() + 1)),
      ),
    );
}

/** One pending delivery per endpoint, due now; an endpoint that already has this event's delivery keeps it. Returns those created. */
export async function insertDeliveries(
  tx: TenantTx,
  event: { id: string; type: string; payload: Record<string, unknown>; occurredAt: Date },
  endpointIds: readonly string[],
): Promise<string[]> {
  if (endpointIds.length === 0) return [];
  const rows = await tx
    .insert(webhookDeliveries)
    .values(
      endpointIds.map((endpointId) => ({
        tenantId: tx.scope.tenantId,
        id: newId(),
        endpointId,
        eventId: event.id,
        eventType: event.type,
        payload: event.payload,
        occurredAt: event.occurredAt,
        nextAttemptAt: sql`now()`,
      })),
    )
    .onConflictDoNothing()
    .returning({ id: webhookDeliveries.id });
  return rows.map((r) => r.id);
}

export interface ClaimedAttempt {
  deliveryId: string;
  endpointId: string;
  url: string;
  secretSealed: string;
  eventType: string;
  payload: Record<string, unknown>;
  occurredAt: Date;
  attempts: number;
  windowStartedAt: Date;
}

/**
 * Takes the right to make the delivery's next attempt: a pending delivery of
 * an active endpoint whose attempt is due. Its due time moves `leaseMs` ahead,
 * so a duplicate job (a sweep, a redelivery) finds it not due and leaves it,
 * and an attempt lost with its process is due again after the lease.
 */
export async function claimAttempt(tx: TenantTx, deliveryId: string, leaseMs: number): Promise<ClaimedAttempt | undefined> {
  const result = await tx.execute<{
    delivery_id: string;
    endpoint_id: string;
    url: string;
    secret_sealed: string;
    event_type: string;
    payload: Record<string, unknown>;
    occurred_at: string;
    attempts: number;
    window_started_at: string;
  }>(sql`
    UPDATE webhook_deliveries d
    SET next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000})
    FROM webhook_endpoints e
    WHERE d.tenant_id = ${tx.scope.tenantId} AND d.id = ${deliveryId}
      AND d.status = 'pending' AND d.next_attempt_at <= now() + interval '1 second'
      AND e.tenant_id = d.tenant_id AND e.id = d.endpoint_id AND e.status = 'active'
    RETURNING d.id AS delivery_id, e.id AS endpoint_id, e.url, e.secret_sealed, d.event_type, d.payload, d.occurred_at, d.attempts, d.window_started_at`);
  const row = result.rows[0];
  if (!row) return undefined;
  return {
    deliveryId: row.delivery_id,
    endpointId: row.endpoint_id,
    url: row.url,
    secretSealed: row.secret_sealed,
    eventType: row.event_type,
    payload: row.payload,
    occurredAt: new Date(row.occurred_at),
    attempts: row.attempts,
    windowStartedAt: new Date(row.window_started_at),
  };
}

/** Gives a claimed attempt back unmade, due at `at`. */
export async function releaseAttempt(tx: TenantTx, deliveryId: string, at: Date): Promise<void> {
  await tx
    .update(webhookDeliveries)
    .set({ nextAttemptAt: at })
    .where(and(eq(webhookDeliveries.tenantId, tx.scope.tenantId), eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.status, 'pending')));
}

/** A 2xx: the delivery is done and the endpoint is well again. */
export async function recordSuccess(tx: TenantTx, attempt: ClaimedAttempt, status: number): Promise<void> {
  await tx
    .update(webhookDeliveries)
    .set({ status: 'succeeded', attempts: sql`${webhookDeliveries.attempts} + 1`, lastStatusCode: status, lastError: null, lastAttemptAt: sql`now()`, nextAttemptAt: null })
    .where(and(eq(webhookDeliveries.tenantId, tx.scope.tenantId), eq(webhookDeliveries.id, attempt.deliveryId)));
  await tx
    .update(webhookEndpoints)
    .set({ failingSince: null })
    .where(and(eq(webhookEndpoints.tenantId, tx.scope.tenantId), eq(webhookEndpoints.id, attempt.endpointId)));
}

/**
 * Counts a failed attempt; `next` null settles the delivery as failed. An
 * attempt the breaker refused unsent keeps the last status the receiver gave.
 */
export async function recordFailure(tx: TenantTx, attempt: ClaimedAttempt, outcome: { status: number | null; sent: boolean; error: string }, next: Date | null): Promise<void> {
  await tx
    .update(webhookDeliveries)
    .set({
      status: next ? 'pending' : 'failed',
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      lastStatusCode: outcome.sent ? outcome.status : sql`${webhookDeliveries.lastStatusCode}`,
      lastError: outcome.error,
      lastAttemptAt: sql`now()`,
      nextAttemptAt: next,
    })
    .where(and(eq(webhookDeliveries.tenantId, tx.scope.tenantId), eq(webhookDeliveries.id, attempt.deliveryId)));
}

/** The endpoint's first failure since it last answered; set now if it was well until this failure. */
export async function markFailing(tx: TenantTx, endpointId: string): Promise<Date> {
  const [row] = await tx
    .update(webhookEndpoints)
    .set({ failingSince: sql`coalesce(${webhookEndpoints.failingSince}, now())` })
    .where(and(eq(webhookEndpoints.tenantId, tx.scope.tenantId), eq(webhookEndpoints.id, endpointId)))
    .returning({ failingSince: webhookEndpoints.failingSince });
  return row?.failingSince ?? new Date();
}

/**
 * Disables an active endpoint and settles its pending deliveries as failed.
 * Returns the endpoint's URL when this call disabled it, undefined when it
 * already was (a concurrent attempt got there first) or is gone.
 */
export async function disableEndpoint(tx: TenantTx, endpointId: string): Promise<string | undefined> {
  const [endpoint] = await tx
    .update(webhookEndpoints)
    .set({ status: 'disabled', disabledAt: sql`now()` })
    .where(and(eq(webhookEndpoints.tenantId, tx.scope.tenantId), eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.status, 'active')))
    .returning({ url: webhookEndpoints.url });
  if (!endpoint) return undefined;
  await tx
    .update(webhookDeliveries)
    .set({ status: 'failed', nextAttemptAt: null })
    .where(and(eq(webhookDeliveries.tenantId, tx.scope.tenantId), eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, 'pending')));
  return endpoint.url;
}

/** Whether the delivery waits for an attempt (a redelivery asks for one only then). */
export async function isPending(tx: TenantTx, deliveryId: string): Promise<boolean> {
  const [row] = await tx
    .select({ status: webhookDeliveries.status })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.tenantId, tx.scope.tenantId), eq(webhookDeliveries.id, deliveryId)));
  return row?.status === 'pending';
}

/** Pending deliveries of every tenant whose attempt is overdue by `graceMs`: their job was lost, or their process died mid-attempt. */
export async function overdueDeliveries(tx: SystemTx, graceMs: number, limit: number): Promise<{ tenantId: string; id: string; attempts: number }[]> {
  const result = await tx.execute<{ tenant_id: string; id: string; attempts: number }>(sql`
    SELECT tenant_id, id, attempts FROM webhook_deliveries
    WHERE status = 'pending' AND next_attempt_at < now() - make_interval(secs => ${graceMs / 1000})
    ORDER BY next_attempt_at
    LIMIT ${limit}`);
  return result.rows.map((r) => ({ tenantId: r.tenant_id, id: r.id, attempts: r.attempts }));
}
