import type { QueueName } from '@coachline/domain/queues';

/**
 * The BullMQ job id of an event on one queue, so a re-publish of the same event
 * is deduplicated while the job exists. BullMQ 6 rejects custom ids with one
 * ":" (two parts), so the parts are joined with "_". Reconciler re-publishes
 * get a distinct suffix (`_r<attempt>`): the first job may be gone from Redis
 * (removed once completed, or lost in a flush), and consumers are idempotent.
 */
export function eventJobId(eventId: string, queue: QueueName, attempt = 0): string {
  return attempt === 0 ? `${eventId}_${queue}` : `${eventId}_${queue}_r${attempt}`;
}
