import type { JobHandler } from '@coachline/runtime/queue-consumer';
import type { WebhookDeliveryService } from '../webhooks/webhook-delivery.service';

/** webhooks queue, job `deliver`: one attempt of one delivery, if its row says it is due. */
export function deliverHandler(deliveries: WebhookDeliveryService): JobHandler<'webhooks', 'deliver'> {
  return (job) => deliveries.attempt(job);
}
