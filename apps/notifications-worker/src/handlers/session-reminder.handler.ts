import type { TenantTx } from '@coachline/db/database';
import { scopeOf } from '@coachline/domain/events';
import type { JobOf } from '@coachline/domain/queues';
import type { JobHandler } from '@coachline/runtime/queue-consumer';
import type { NotificationProcessor } from '../notification.processor';
import { findSession } from '../notification.repository';
import { when, without, type NotificationPlan } from '../notification-plan';

type Reminder = JobOf<'notifications', 'session.reminder'>;

/** One notification per recipient per reminder, however often the job runs. */
function reminderSourceId(job: { sessionId: string; offsetMinutes: number }): string {
  return `session.reminder:${job.sessionId}:${job.offsetMinutes}`;
}

/** Both parties of a still-scheduled session; nobody once it was cancelled or moved. */
async function planReminder(tx: TenantTx, job: Reminder): Promise<NotificationPlan | undefined> {
  const session = await findSession(tx, job.sessionId);
  if (!session || session.status !== 'scheduled') return undefined;
  const lead = job.offsetMinutes >= 120 ? `${Math.round(job.offsetMinutes / 60)} hours` : job.offsetMinutes === 60 ? '1 hour' : `${job.offsetMinutes} minutes`;
  return {
    type: 'session.reminder',
    sourceId: reminderSourceId(job),
    recipients: without([session.coachId, session.athleteId]),
    title: `Session in ${lead}`,
    body: `Your session starts at ${when(session.startsAt)}.`,
    data: { sessionId: session.id, start: session.startsAt.toISOString(), offsetMinutes: job.offsetMinutes },
    path: `/sessions/${session.id}`,
  };
}

/**
 * notifications queue, job `session.reminder`: delayed by the scheduler's
 * `session.scheduled` handler to `offsetMinutes` before the session starts.
 */
export function sessionReminderHandler(processor: NotificationProcessor): JobHandler<'notifications', 'session.reminder'> {
  return (job) => processor.notifyOne(scopeOf(job), reminderSourceId(job), (tx) => planReminder(tx, job));
}
