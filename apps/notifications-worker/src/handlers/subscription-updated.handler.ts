import { scopeOf } from '@coachline/domain/events';
import type { EventHandler } from '@coachline/runtime/queue-consumer';
import { dunningEmail } from '../dunning-email';
import type { NotificationProcessor } from '../notification.processor';

/**
 * notifications queue, event `subscription.updated`: a subscription that fell
 * past due gets the first dunning email, with Stripe's page to pay by another
 * card. Other changes send nothing (a cancellation after dunning speaks for itself).
 */
export function subscriptionUpdatedHandler(processor: NotificationProcessor): EventHandler<'subscription.updated'> {
  return (event) => {
    const p = event.payload;
    return processor.emailOnce(scopeOf(event), event.id, async (tx) =>
      p.status === 'past_due' ? dunningEmail(tx, processor, p.subscriptionId, event.id, 'Your payment did not go through') : undefined,
    );
  };
}
