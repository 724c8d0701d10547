import { WEBHOOK_EVENT_TYPES, type EventType } from '@coachline/domain/events';
import type { QueueName } from '@coachline/domain/queues';

const subscribable = new Set<string>(WEBHOOK_EVENT_TYPES);

/**
 * Most tenants have no webhook endpoint, and for them the `webhooks` job of a
 * subscribable event would only record that there was nothing to deliver:
 * half of a post's jobs, spent on nothing. So the relay
 * publishes such an event to `webhooks` only when its tenant had an endpoint
 * when it happened. The one endpoint the relay cannot see is one created in a
 * transaction that began before the event and committed after the relay
 * looked; the reconciler asks the same question later (`gatedByWebhookEndpoint`)
 * and publishes those events then.
 */
export function needsJob(queue: QueueName, type: string, hadWebhookEndpoint: boolean): boolean {
  return queue !== 'webhooks' || hadWebhookEndpoint || !subscribable.has(type);
}

/** The event types of `queue` that go to it only when their tenant had a webhook endpoint. */
export function gatedByWebhookEndpoint(queue: QueueName): readonly EventType[] {
  return queue === 'webhooks' ? WEBHOOK_EVENT_TYPES : [];
}
