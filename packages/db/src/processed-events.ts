import { and, eq } from 'drizzle-orm';
import type { Tx } from './database';
import { processedEvents } from './schema/index';

export type ProcessOnceResult<T> = { done: true; value: T } | { done: false };

/**
 * Runs `fn` unless `consumer` already processed `eventId`, recording it in the
 * caller's transaction: the record commits exactly when the effect does. A
 * concurrent duplicate waits on the primary key, then sees the record and skips.
 */
export async function processOnce<T>(tx: Tx, tenantId: string, eventId: string, consumer: string, fn: () => Promise<T>): Promise<ProcessOnceResult<T>> {
  const inserted = await tx
    .insert(processedEvents)
    .values({ tenantId, eventId, consumer })
    .onConflictDoNothing()
    .returning({ eventId: processedEvents.eventId });
  if (inserted.length === 0) return { done: false };
  return { done: true, value: await fn() };
}

/** Whether `consumer` has processed `eventId` (for tests and the relay's reconciler). */
export async function wasProcessed(tx: Tx, tenantId: string, eventId: string, consumer: string): Promise<boolean> {
  const rows = await tx
    .select({ eventId: processedEvents.eventId })
    .from(processedEvents)
    .where(and(eq(processedEvents.tenantId, tenantId), eq(processedEvents.eventId, eventId), eq(processedEvents.consumer, consumer)));
  return rows.length > 0;
}
