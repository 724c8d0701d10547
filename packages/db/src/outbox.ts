import { EVENTS, type EventPayload, type EventType } from '@coachline/domain/events';
import type { Tx } from './database';
import { newId } from './ids';
import { outboxEvents } from './schema/index';

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
  await tx.insert(outboxEvents).values({
    tenantId: context.tenantId,
    id,
    type,
    payload: parsed,
    requestId: context.requestId ?? null,
    traceparent: context.traceparent ?? null,
  });
  return id;
}
