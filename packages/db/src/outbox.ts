import { EVENTS, type EventPayload, type EventType } from '@coachline/domain/events';
import { deferWrite, type Tx } from './database';
import { newId } from './ids';

export interface EventContext {
  tenantId: string;
  requestId?: string;
  traceparent?: string;
}

/**
 * Records an event in the caller's transaction: it is published if and only if
 * the business change commits. The row is deferred to travel with the
 * transaction's next statement or its COMMIT, saving every mutation a round trip.
 */
export async function emit<T extends EventType>(
  tx: Tx,
  context: EventContext,
  type: T,
  payload: EventPayload<T>,
): Promise<string> {
  const parsed = EVENTS[type].payload.parse(payload) as Record<string, unknown>;
  const id = newId();
  // Plain SQL: every mutation of the API runs this, and drizzle's query building costs more than the insert.
  deferWrite(
    tx,
    { name: 'coachline_outbox_insert', text: 'INSERT INTO outbox_events (tenant_id, id, type, payload, request_id, traceparent) VALUES ($1, $2, $3, $4::jsonb, $5, $6)' },
    [context.tenantId, id, type, JSON.stringify(parsed), context.requestId ?? null, context.traceparent ?? null],
  );
  return id;
}
