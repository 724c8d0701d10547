import { EVENTS, type EventPayload, type EventType } from '@coachline/domain/events';
import { deferWrite, type TenantTx } from './database';
import { newId } from './ids';

/**
 * Records an event in the caller's transaction: it is published if and only if
 * the business change commits. Tenant, request id and trace come from the
 * transaction's scope. The row is deferred to travel with the
 * transaction's next statement or its COMMIT, saving every mutation a round trip.
 */
export async function emit<T extends EventType>(
  tx: TenantTx,
  type: T,
  payload: EventPayload<T>,
): Promise<string> {
  const parsed = EVENTS[type].payload.parse(payload) as Record<string, unknown>;
  const id = newId();
  // Plain SQL: every mutation of the API runs this, and drizzle's query building costs more than the insert.
  deferWrite(
    tx,
    { name: 'coachline_outbox_insert', text: 'INSERT INTO outbox_events (tenant_id, id, type, payload, request_id, traceparent) VALUES ($1, $2, $3, $4::jsonb, $5, $6)' },
    [tx.scope.tenantId, id, type, JSON.stringify(parsed), tx.scope.requestId ?? null, tx.scope.traceparent ?? null],
  );
  return id;
}
