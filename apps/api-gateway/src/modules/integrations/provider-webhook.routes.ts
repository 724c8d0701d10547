import { stravaEventBody } from '@coachline/domain/api/integrations';
import { z } from 'zod';
import { route, type AnyRoute } from '../../http/route';
import type { ProviderPushService } from './provider-push.service';

/**
 * Strava's push subscription. The path names the provider rather than taking
 * `:provider`, so other providers' webhooks (payments) live beside it without
 * one route shadowing another.
 */
export function providerWebhookRoutes(pushes: ProviderPushService): AnyRoute[] {
  const tags = ['Integrations'];
  return [
    route({
      method: 'get',
      path: '/v1/webhooks/strava',
      summary: "Strava's subscription validation handshake: echoes hub.challenge when hub.verify_token matches",
      tags,
      access: 'public',
      responses: { 200: { description: 'The challenge', schema: z.object({ 'hub.challenge': z.string() }) }, 403: { description: 'Wrong verify token' } },
      handler: async ({ req }) => ({ status: 200, body: { 'hub.challenge': pushes.handshake('strava', req.query as Record<string, unknown>) } }),
    }),
    route({
      method: 'post',
      path: '/v1/webhooks/strava',
      summary: 'A Strava push event: verified (our subscription, inside the replay window), recorded once, then the athlete’s connection syncs',
      tags,
      access: 'public',
      idempotent: false,
      body: stravaEventBody,
      responses: { 200: { description: 'Received', schema: z.object({ received: z.literal(true) }) }, 400: { description: 'Not verifiable' } },
      handler: async ({ body }) => {
        await pushes.receive('strava', body);
        return { status: 200, body: { received: true } };
      },
    }),
  ];
}
