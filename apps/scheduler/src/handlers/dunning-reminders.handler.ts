import type { Database } from '@coachline/db/database';
import type { JobHandler } from '@coachline/runtime/queue-consumer';
import type { TypedQueue } from '@coachline/runtime/queues';
import { claimDunningReminders } from '../billing/billing.repository';

export interface DunningDeps {
  db: Database;
  notifications: TypedQueue<'notifications'>;
  intervalHours: number;
  maxReminders: number;
}

/**
 * maintenance queue, job `dunning-reminders`: the clock of the reminders to
 * buyers whose renewal failed, until Stripe cancels the subscription (or the
 * buyer pays). The emails are the notifications worker's; each reminder's job
 * id is fixed by its number, so a retried tick adds none.
 */
export function dunningRemindersHandler(deps: DunningDeps): JobHandler<'maintenance', 'dunning-reminders'> {
  return async () => {
    let enqueued = 0;
    for (;;) {
      // Every tenant's past-due subscriptions: the system role, since one tick serves them all.
      const due = await deps.db.withSystem((tx) => claimDunningReminders(tx, deps.intervalHours, deps.maxReminders, 500));
      for (const reminder of due) {
        await deps.notifications.add('subscription.dunning-reminder', reminder, { jobId: `dunning-reminder.${reminder.subscriptionId}.${reminder.reminder}` });
      }
      enqueued += due.length;
      if (due.length < 500) return { enqueued };
    }
  };
}
