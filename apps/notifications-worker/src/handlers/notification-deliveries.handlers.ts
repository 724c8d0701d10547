import type { QueueHandlers } from '@coachline/runtime/queue-consumer';
import type { NotificationProcessor } from '../notification.processor';
import { deliverNotificationHandler } from './deliver-notification.handler';

/** The `notification-deliveries` queue: the emails and pushes that the `notifications` queue's jobs hand off. */
export function notificationDeliveriesHandlers(processor: NotificationProcessor): QueueHandlers<'notification-deliveries'> {
  return { jobs: { deliver: deliverNotificationHandler(processor) }, events: {} };
}
