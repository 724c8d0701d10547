import { EVENTS, type EventPayload, type EventType } from '@coachline/domain/events';
import type { Tx } from './database';
import { newId } from './ids';

interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<unknown>;
}

export interface EventContext {
  tenantId: string;
  requestId?: string;
  traceparent?: string;
}

/**
 * Records an event in the caller's transaction: it is published if and only if
 * the business change commits.
 */
export async function emit<T extends EventType>(
  tx: Tx,
  context: EventContext,
  type: T,
  payload: EventPayload<T>,
): Promise<string> {
  const parsed = EVENTS[type].payload.parse(payload) as Record<string, unknown>;
  const id = newId();
  // Straight to the transaction's client: every mutation of the API runs this, and drizzle's query building cost more than the insert.
  // Named, so each connection parses and plans it once.
  await (tx as unknown as { $client: PgClient }).$client.query({
    name: 'coachline_emit',
    text: 'INSERT INTO outbox_events (tenant_id, id, type, payload, request_id, traceparent) VALUES ($1, $2, $3, $4::jsonb, $5, $6)',
    values: [context.tenantId, id, type, JSON.stringify(parsed), context.requestId ?? null, context.traceparent ?? null],
  });
  return id;
}
