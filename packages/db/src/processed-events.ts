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
 * processOnce for many events at once: records every id of `eventIds` not yet
 * recorded for `consumer` in one statement, and returns those it recorded. The
 * ids are sorted so two transactions waiting on the same keys lock them in the
 * same order.
 */
export async function recordProcessed(tx: TenantTx, eventIds: readonly string[], consumer: string): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const client = (tx as unknown as { $client: { query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: { event_id: string }[] }> } }).$client;
  // Named: prepared once per connection, as it runs for every batch.
  const result = await client.query({
    name: 'coachline_record_processed',
    text: `INSERT INTO processed_events (tenant_id, event_id, consumer)
     SELECT $1, id, $3 FROM unnest($2::text[]) AS k(id) ORDER BY id
     ON CONFLICT DO NOTHING RETURNING event_id`,
    values: [tx.scope.tenantId, [...new Set(eventIds)].sort(), consumer],
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
