import { analyticsQuery, athleteAnalyticsSchema, tenantAnalyticsSchema } from '@coachline/domain/api/analytics';
import { idParams } from '@coachline/domain/api/common';
import { route, type AnyRoute } from '../../http/route';
import type { AnalyticsService } from './analytics.service';

export function analyticsRoutes(analytics: AnalyticsService): AnyRoute[] {
  const tags = ['Coaching intelligence'];
  return [
    route({
      method: 'get',
      path: '/v1/athletes/:id/analytics',
      summary: "An athlete's training over a window (default the last 28 days, both dates included), from the daily rollups",
      tags,
      access: 'analytics:read',
      params: idParams,
      query: analyticsQuery,
      deferInput: true,
      responses: {
        200: { description: 'Analytics', schema: athleteAnalyticsSchema },
        403: { description: "Another athlete's analytics" },
        404: { description: 'No such member in this organization' },
      },
      handler: async ({ actor, params, query }) => ({ status: 200, body: await analytics.athlete(actor, params.id, query) }),
    }),
    route({
      method: 'get',
      path: '/v1/analytics/tenant',
      summary: "The organization's figures over a window: active athletes, completed workouts, sessions booked, revenue",
      tags,
      access: 'tenant:admin',
      query: analyticsQuery,
      responses: { 200: { description: 'Analytics', schema: tenantAnalyticsSchema } },
      handler: async ({ actor, query }) => ({ status: 200, body: await analytics.tenant(actor, query) }),
    }),
  ];
}
