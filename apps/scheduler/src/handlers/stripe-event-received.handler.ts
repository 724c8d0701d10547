import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { BillingService } from '../billing/billing.service';

/** billing queue, event `stripe.event_received`: applies the recorded Stripe event to purchases, subscriptions and entitlements, once. */
export function stripeEventReceivedHandler(deps: { billing: BillingService }): EventHandler<'stripe.event_received'> {
  return async (event) => ({ outcome: await deps.billing.apply(event) });
}
