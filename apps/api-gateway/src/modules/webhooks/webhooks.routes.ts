import { idParams, pageOf, pageQuery } from '@coachline/domain/api/common';
import { createdWebhookEndpointSchema, createWebhookEndpointBody, webhookDeliveryListQuery, webhookDeliveryParams, webhookDeliverySchema, webhookEndpointSchema } from '@coachline/domain/api/webhooks';
import { noStore } from '../../http/no-store';
import { route, type AnyRoute } from '../../http/route';
import type { WebhookEndpointService } from './webhook-endpoint.service';

export function webhookRoutes(endpoints: WebhookEndpointService): AnyRoute[] {
  const tags = ['Webhooks'];
  const access = 'webhook:manage';
  return [
    route({
      method: 'post',
      path: '/v1/webhook-endpoints',
      summary: 'Register a webhook endpoint; its signing secret is shown only in this answer',
      tags,
      access,
      body: createWebhookEndpointBody,
      middleware: [noStore],
      responses: { 201: { description: 'Registered', schema: createdWebhookEndpointSchema } },
      handler: async ({ actor, body }) => ({ status: 201, body: await endpoints.create(actor, body) }),
    }),
    route({
      method: 'get',
      path: '/v1/webhook-endpoints',
      summary: "The tenant's webhook endpoints, newest first, without their secrets",
      tags,
      access,
      query: pageQuery,
      responses: { 200: { description: 'Endpoints', schema: pageOf(webhookEndpointSchema) } },
      handler: async ({ actor, query }) => ({ status: 200, body: await endpoints.list(actor, query) }),
    }),
    route({
      method: 'delete',
      path: '/v1/webhook-endpoints/:id',
      summary: 'Remove a webhook endpoint and its deliveries',
      tags,
      access,
      params: idParams,
      responses: { 204: { description: 'Removed' } },
      handler: async ({ actor, params }) => {
        await endpoints.remove(actor, params.id);
        return { status: 204 };
      },
    }),
    route({
      method: 'get',
      path: '/v1/webhook-endpoints/:id/deliveries',
      summary: "An endpoint's deliveries, newest first, with their attempts",
      tags,
      access,
      params: idParams,
      deferInput: true,
      query: webhookDeliveryListQuery,
      responses: { 200: { description: 'Deliveries', schema: pageOf(webhookDeliverySchema) } },
      handler: async ({ actor, params, query }) => ({ status: 200, body: await endpoints.deliveries(actor, params.id, query) }),
    }),
    route({
      method: 'post',
      path: '/v1/webhook-endpoints/:id/deliveries/:deliveryId/redeliver',
      summary: 'Send a delivery again, under the same webhook-id',
      tags,
      access,
      params: webhookDeliveryParams,
      responses: { 202: { description: 'Accepted: the worker attempts it now' }, 409: { description: 'The endpoint is disabled' } },
      handler: async ({ actor, params }) => {
        await endpoints.redeliver(actor, params.id, params.deliveryId);
        return { status: 202 };
      },
    }),
  ];
}
