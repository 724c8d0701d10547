import type { JobHandler } from '@coachline/runtime/queue-consumer';
import type { TypedQueue } from '@coachline/runtime/queues';

/**
 * maintenance queue, job `weekly-progress-email`: the weekly clock only. The
 * emails are the notifications worker's, which owns every delivery; it gets
 * one `weekly-progress` job per tick, its id fixed per day so a retried tick
 * adds none. Each email is claimed once per athlete and week there anyway.
 */
export function weeklyProgressEmailHandler(notifications: TypedQueue<'notifications'>, now: () => Date = () => new Date()): JobHandler<'maintenance', 'weekly-progress-email'> {
  return async () => {
    const at = now().toISOString();
    const job = await notifications.add('weekly-progress', { at }, { jobId: `weekly-progress.${at.slice(0, 10)}` });
    return { enqueued: job.id };
  };
}
