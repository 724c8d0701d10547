import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from '../events';
import { freeText, pageQuery, uuid } from './common';

/** A signing secret as Standard Webhooks writes it: `whsec_` and base64 of the key. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export const WEBHOOK_ENDPOINT_STATUSES = ['active', 'disabled'] as const;
export type WebhookEndpointStatus = (typeof WEBHOOK_ENDPOINT_STATUSES)[number];

export const createWebhookEndpointBody = z
  .strictObject({
    url: z.url().max(2048),
    events: z
      .array(z.enum(WEBHOOK_EVENT_TYPES))
      .min(1)
      .max(WEBHOOK_EVENT_TYPES.length)
      .refine((events) => new Set(events).size === events.length, 'Each event at most once'),
    description: freeText.optional(),
  })
  .meta({ id: 'CreateWebhookEndpointRequest', examples: [{ url: 'https://hooks.northside.example/coachline', events: ['workout.completed', 'purchase.paid'], description: 'CRM sync' }] });

export const webhookEndpointSchema = z
  .object({
    id: uuid,
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().nullable(),
    status: z.enum(WEBHOOK_ENDPOINT_STATUSES),
    createdAt: z.string(),
    disabledAt: z.string().nullable(),
  })
  .meta({ id: 'WebhookEndpoint' });

/** The answer to a registration: the one time the secret is shown. */
export const createdWebhookEndpointSchema = webhookEndpointSchema.extend({ secret: z.string() }).meta({ id: 'CreatedWebhookEndpoint' });

export const webhookDeliverySchema = z
  .object({
    id: uuid,
    eventId: uuid,
    eventType: z.string(),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    nextAttemptAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'WebhookDelivery' });

export const webhookDeliveryParams = z.strictObject({ id: uuid, deliveryId: uuid });

export const webhookDeliveryListQuery = pageQuery;
