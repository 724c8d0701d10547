import type { TypedQueue } from '@coachline/runtime/queues';

/**
 * BullMQ serves jobs without a priority (fresh uploads, added by the outbox
 * relay) before any prioritized job, so backfill and re-processing wait
 * until no upload does.
 */
export const REPROCESS_PRIORITY = 10;

/** Queues a re-render of an asset's variants (after a change of variant settings, say). */
export function enqueueReprocess(queue: TypedQueue<'media'>, tenantId: string, mediaId: string) {
  return queue.add('process', { tenantId, mediaId, reason: 'reprocess' }, { priority: REPROCESS_PRIORITY });
}
