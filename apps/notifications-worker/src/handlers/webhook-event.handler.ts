import type { WebhookEventType } from '@coachline/domain/events';
import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { WebhookDeliveryService } from '../webhooks/webhook-delivery.service';

/**
 * webhooks queue, every subscribable event (`WEBHOOK_EVENT_TYPES`): one
 * delivery per active endpoint of the tenant subscribed to its type. The
 * events differ only in their payload, which travels as the body's `data`, so
 * one handler serves them all.
 */
export function webhookEventHandler(deliveries: WebhookDeliveryService): EventHandler<WebhookEventType> {
  return (event) => deliveries.fanOut(event);
}
