import { triageListSchema, triageQuery } from '@coachline/domain/api/triage';
import { route, type AnyRoute } from '../../http/route';
import type { TriageService } from './triage.service';

export function triageRoutes(triage: TriageService): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/v1/coach/triage',
      summary: 'What needs the coach now, most urgent first: inactive athletes, missed workouts, rising RPE, stalled lifts, new records',
      tags: ['Coaching intelligence'],
      access: 'triage:read',
      query: triageQuery,
      responses: { 200: { description: 'Triage items, most urgent first', schema: triageListSchema } },
      handler: async ({ actor, query }) => ({ status: 200, body: await triage.list(actor, query) }),
    }),
  ];
}
