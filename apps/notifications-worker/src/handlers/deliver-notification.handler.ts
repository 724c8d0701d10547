import type { JobHandler } from '@coachline/runtime/queue-consumer';
import type { NotificationProcessor } from '../notification.processor';

/** notification-deliveries queue, job `deliver`: one notification's emails and pushes, each once. */
export function deliverNotificationHandler(processor: NotificationProcessor): JobHandler<'notification-deliveries', 'deliver'> {
  return (job) => processor.sendDeliveries(job);
}
