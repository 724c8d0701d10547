import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '@coachline/db/database';
import { mediaAssets, processedEvents, type MediaVariant } from '@coachline/db/schema/index';

export type MediaAssetRow = typeof mediaAssets.$inferSelect;

/** The consumer name recorded in processed_events: the queue's name, which the relay's reconciler checks. */
export const CONSUMER = 'media';

export async function findAsset(tx: Tx, tenantId: string, id: string): Promise<MediaAssetRow | undefined> {
  const [row] = await tx.select().from(mediaAssets).where(and(eq(mediaAssets.tenantId, tenantId), eq(mediaAssets.id, id)));
  return row;
}

export async function wasProcessed(tx: Tx, tenantId: string, eventId: string): Promise<boolean> {
  const rows = await tx
    .select({ eventId: processedEvents.eventId })
    .from(processedEvents)
    .where(and(eq(processedEvents.tenantId, tenantId), eq(processedEvents.eventId, eventId), eq(processedEvents.consumer, CONSUMER)));
  return rows.length > 0;
}

/** Records the event as handled; false when another delivery of it already was. */
export async function markProcessed(tx: Tx, tenantId: string, eventId: string): Promise<boolean> {
  const rows = await tx.insert(processedEvents).values({ tenantId, eventId, consumer: CONSUMER }).onConflictDoNothing().returning({ eventId: processedEvents.eventId });
  return rows.length > 0;
}

export async function completeAsset(
  tx: Tx,
  tenantId: string,
  id: string,
  changes: { status: 'ready' | 'failed'; variants: MediaVariant[]; metadata?: Record<string, unknown>; failureReason?: string | null },
): Promise<MediaAssetRow | undefined> {
  const [row] = await tx
    .update(mediaAssets)
    .set({
      status: changes.status,
      variants: changes.variants,
      ...(changes.metadata ? { metadata: changes.metadata } : {}),
      failureReason: changes.failureReason ?? null,
      readyAt: changes.status === 'ready' ? new Date() : null,
    })
    .where(and(eq(mediaAssets.tenantId, tenantId), eq(mediaAssets.id, id), inArray(mediaAssets.status, ['processing', 'ready'])))
    .returning();
  return row;
}
