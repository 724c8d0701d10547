import type { Logger } from '@coachline/runtime/logger';
import type { QueueHandlers } from '@coachline/runtime/queue-consumer';
import type { BillingService } from '../billing/billing.service';
import { stripeEventReceivedHandler } from './stripe-event-received.handler';

/** The `billing` queue: Stripe events recorded by the gateway's webhook, one handler file each. */
export function billingHandlers(deps: { billing: BillingService; logger: Logger }): QueueHandlers<'billing'> {
  return {
    jobs: {},
    events: {
      'stripe.event_received': stripeEventReceivedHandler(deps),
    },
  };
}
