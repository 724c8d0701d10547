import { scopeOf } from '@coachline/domain/events';
import type { JobHandler } from '@coachline/runtime/queue-consumer';
import { dunningEmail } from '../dunning-email';
import type { NotificationProcessor } from '../notification.processor';

/** notifications queue, job `subscription.dunning-reminder`: another reminder, unless the subscription is no longer past due. */
export function subscriptionDunningReminderHandler(processor: NotificationProcessor): JobHandler<'notifications', 'subscription.dunning-reminder'> {
  return async (job) => {
    const key = `dunning-reminder.${job.subscriptionId}.${job.reminder}`;
    await processor.emailOnce(scopeOf(job), key, (tx) => dunningEmail(tx, processor, job.subscriptionId, key, 'Reminder: your subscription payment is still due'));
    return { reminder: job.reminder };
  };
}
