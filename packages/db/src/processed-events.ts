import { and, eq } from 'drizzle-orm';
import type { TenantTx } from './database';
import { processedEvents } from './schema/index';

export type ProcessOnceResult<T> = { done: true; value: T } | { done: false };

/**
 * Runs `fn` unless `consumer` already processed `eventId` in the transaction's
 * tenant, recording it in the same transaction: the record commits exactly
 * when the effect does. A concurrent duplicate waits on the primary key, then
 * sees the record and skips. Every consumer's idempotency goes through here;
 * the relay's reconciler reads the records of consumers named after their queue.
 */
export async function processOnce<T>(tx: TenantTx, eventId: string, consumer: string, fn: () => Promise<T>): Promise<ProcessOnceResult<T>> {
  const inserted = await tx
    .insert(processedEvents)
    .values({ tenantId: tx.scope.tenantId, eventId, consumer })
    .onConflictDoNothing()
    .returning({ eventId: processedEvents.eventId });
  if (inserted.length === 0) return { done: false };
  return { done: true, value: await fn() };
}

/**
 * The records of recordProcessed as the WITH clause of a statement that acts
 * only on the events it records, so the record and the effect take one round
 * trip: the statement follows this text and keeps to the recorded events with
 * `= ANY(ARRAY(SELECT event_id FROM fresh))`. That array is computed once,
 * before the statement writes anything, so the records are locked first and in
 * sorted order, as recordProcessed locks them. Parameters: $1 the tenant, $2
 * processedKeys(eventIds), $3 the consumer.
 */
export const RECORD_PROCESSED = `WITH fresh AS (
  INSERT INTO processed_events (tenant_id, event_id, consumer)
  SELECT $1, id, $3 FROM unnest($2::text[]) AS k(id) ORDER BY id
  ON CONFLICT DO NOTHING RETURNING event_id)`;

/** The event ids as RECORD_PROCESSED takes them: each once, sorted, so two transactions waiting on the same keys lock them in the same order. */
export const processedKeys = (eventIds: readonly string[]): string[] => [...new Set(eventIds)].sort();

/**
 * processOnce for many events at once: records every id of `eventIds` not yet
 * recorded for `consumer` in one statement, and returns those it recorded.
 */
export async function recordProcessed(tx: TenantTx, eventIds: readonly string[], consumer: string): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const client = (tx as unknown as { $client: { query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: { event_id: string }[] }> } }).$client;
  // Named: prepared once per connection, as it runs for every batch.
  const result = await client.query({
    name: 'coachline_record_processed',
    text: `${RECORD_PROCESSED} SELECT event_id FROM fresh`,
    values: [tx.scope.tenantId, processedKeys(eventIds), consumer],
  });
  return new Set(result.rows.map((r) => r.event_id));
}

/**
 * Whether `consumer` has processed `eventId`: for a consumer that checks
 * before costly work outside any transaction (and records with processOnce
 * after it), and for tests.
 */
export async function wasProcessed(tx: TenantTx, eventId: string, consumer: string): Promise<boolean> {
  const rows = await tx
    .select({ eventId: processedEvents.eventId })
    .from(processedEvents)
    .where(and(eq(processedEvents.tenantId, tx.scope.tenantId), eq(processedEvents.eventId, eventId), eq(processedEvents.consumer, consumer)));
  return rows.length > 0;
}
