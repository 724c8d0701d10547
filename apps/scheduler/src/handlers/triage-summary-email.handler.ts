import type { JobHandler } from '@coachline/runtime/queue-consumer';
import type { TypedQueue } from '@coachline/runtime/queues';

/**
 * maintenance queue, job `triage-summary-email`: the weekly clock only, as for
 * the athletes' progress email. The notifications worker sends the emails; it
 * gets one `triage-summary` job per tick, its id fixed per day so a retried
 * tick adds none.
 */
export function triageSummaryEmailHandler(notifications: TypedQueue<'notifications'>, now: () => Date = () => new Date()): JobHandler<'maintenance', 'triage-summary-email'> {
  return async () => {
    const at = now().toISOString();
    const job = await notifications.add('triage-summary', { at }, { jobId: `triage-summary.${at.slice(0, 10)}` });
    return { enqueued: job.id };
  };
}
