import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '@coachline/domain/events';
import type { EventHandler, QueueHandlers } from '@coachline/runtime/queue-consumer';
import type { WebhookDeliveryService } from '../webhooks/webhook-delivery.service';
import { deliverHandler } from './deliver.handler';
import { webhookRedeliveryRequestedHandler } from './webhook-delivery-redelivery-requested.handler';
import { webhookEventHandler } from './webhook-event.handler';

/**
 * The `webhooks` queue: every subscribable event fans out to deliveries
 * (one handler for all of them, keyed by the registry's list), a redelivery
 * request, and the `deliver` job that makes one attempt.
 */
export function webhooksHandlers(deliveries: WebhookDeliveryService): QueueHandlers<'webhooks'> {
  const fanOut = webhookEventHandler(deliveries);
  // Built from the registry's list; assertHandlers checks the table against the routing at start-up.
  const subscribable = Object.fromEntries(WEBHOOK_EVENT_TYPES.map((type) => [type, fanOut])) as { [T in WebhookEventType]: EventHandler<T> };
  return {
    jobs: { deliver: deliverHandler(deliveries) },
    events: { ...subscribable, 'webhook_delivery.redelivery_requested': webhookRedeliveryRequestedHandler(deliveries) },
  };
}
