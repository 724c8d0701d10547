import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { WebhookDeliveryService } from '../webhooks/webhook-delivery.service';

/** webhooks queue, event `webhook_delivery.redelivery_requested`: the delivery the API made due again is attempted now, under its own id. */
export function webhookRedeliveryRequestedHandler(deliveries: WebhookDeliveryService): EventHandler<'webhook_delivery.redelivery_requested'> {
  return (event) => deliveries.redeliver(event);
}
