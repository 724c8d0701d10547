import { featureKeyParams, featureSchema, featuresSchema, setFeatureBody } from '@coachline/domain/api/features';
import { route, type AnyRoute } from '../../http/route';
import type { FeatureService } from './features.service';

export function featureRoutes(features: FeatureService): AnyRoute[] {
  const tags = ['Feature flags'];
  return [
    route({
      method: 'get',
      path: '/v1/features',
      summary: "Every feature flag's value for the caller's organization",
      tags,
      access: 'authenticated',
      responses: { 200: { description: 'Flags', schema: featuresSchema } },
      handler: async ({ actor }) => ({ status: 200, body: await features.list(actor) }),
    }),
    route({
      method: 'put',
      path: '/v1/admin/features/:key',
      summary: "Turn a flag on or off for the organization (flags an organization may set)",
      tags,
      access: 'tenant:admin',
      params: featureKeyParams,
      body: setFeatureBody,
      deferInput: true,
      responses: {
        200: { description: 'Set', schema: featureSchema },
        403: { description: 'Not an ADMIN, or a flag only the platform sets' },
        404: { description: 'No such flag' },
      },
      handler: async ({ actor, params, body }) => ({ status: 200, body: await features.set(actor, params.key, body) }),
    }),
  ];
}
