import { idParams, pageOf } from '@coachline/domain/api/common';
import { callbackQuery, connectBody, connectionListQuery, connectionSchema, connectResultSchema, providerParams } from '@coachline/domain/api/integrations';
import { z } from 'zod';
import { noStore } from '../../http/no-store';
import { route, type AnyRoute } from '../../http/route';
import type { IntegrationService } from './integration.service';

export function integrationRoutes(service: IntegrationService): AnyRoute[] {
  const tags = ['Integrations'];
  return [
    route({
      method: 'post',
      path: '/v1/integrations/:provider/connect',
      summary: 'Start connecting a provider account: the URL of its consent page (OAuth 2 authorization code, with a single-use state)',
      tags,
      access: 'workout:write',
      params: providerParams,
      body: connectBody,
      middleware: [noStore],
      responses: { 201: { description: 'Where to send the browser', schema: connectResultSchema } },
      handler: async ({ actor, params, body }) => ({ status: 201, body: await service.connect(actor, params.provider, body) }),
    }),
    route({
      method: 'get',
      path: '/v1/integrations/:provider/callback',
      summary: 'The provider sends the browser back here (no bearer token: the state names the user)',
      tags,
      access: 'public',
      params: providerParams,
      query: callbackQuery,
      middleware: [noStore],
      responses: {
        200: { description: 'Connected', schema: z.object({ id: z.uuid(), provider: z.string(), status: z.literal('active') }) },
        302: { description: 'Connected; back to the return URL the connect call gave' },
        400: { description: 'A bad, expired or reused state' },
      },
      handler: async ({ params, query }) => {
        const { connection, returnUrl } = await service.callback(params.provider, query);
        return returnUrl ? { status: 302, headers: { location: returnUrl } } : { status: 200, body: connection };
      },
    }),
    route({
      method: 'get',
      path: '/v1/integrations',
      summary: "The caller's provider connections",
      tags,
      access: 'workout:read',
      query: connectionListQuery,
      responses: { 200: { description: 'Connections', schema: pageOf(connectionSchema) } },
      handler: async ({ actor, query }) => ({ status: 200, body: await service.list(actor, query) }),
    }),
    route({
      method: 'post',
      path: '/v1/integrations/:id/sync',
      summary: 'Sync a connection now',
      tags,
      access: 'workout:write',
      params: idParams,
      responses: { 202: { description: 'A sync starts', schema: z.object({ id: z.uuid(), status: z.literal('queued') }) } },
      handler: async ({ actor, params }) => ({ status: 202, body: await service.requestSync(actor, params.id) }),
    }),
    route({
      method: 'delete',
      path: '/v1/integrations/:id',
      summary: 'Disconnect: the grant is revoked at the provider and the tokens deleted; imported workouts stay',
      tags,
      access: 'workout:write',
      params: idParams,
      responses: { 204: { description: 'Disconnected' } },
      handler: async ({ actor, params }) => {
        await service.disconnect(actor, params.id);
        return { status: 204 };
      },
    }),
  ];
}
