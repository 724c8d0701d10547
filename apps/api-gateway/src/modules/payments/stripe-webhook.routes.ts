import { z } from 'zod';
import { route, type AnyRoute } from '../../http/route';
import type { StripeWebhookService } from './stripe-webhook.service';

export function stripeWebhookRoutes(webhooks: StripeWebhookService): AnyRoute[] {
  return [
    route({
      method: 'post',
      path: '/v1/webhooks/stripe',
      summary: "Stripe's webhook: verified against the raw body, each event id recorded once and applied by the billing worker",
      tags: ['Payments'],
      access: 'public',
      rawBody: true,
      idempotent: false,
      responses: {
        200: { description: 'Verified and recorded', schema: z.object({ received: z.literal(true), duplicate: z.boolean() }) },
        400: { description: 'Bad or stale signature' },
      },
      handler: async ({ req, requestId }) => {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        return { status: 200, body: await webhooks.receive(raw, req.get('stripe-signature'), requestId) };
      },
    }),
  ];
}
