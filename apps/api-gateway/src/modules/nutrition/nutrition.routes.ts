import { nutritionTargetsBody, nutritionTargetsSchema } from '@coachline/domain/api/nutrition';
import { nutritionTargets } from '@coachline/domain/nutrition';
import { route, type AnyRoute } from '../../http/route';

/** Pure computation: no data is read or stored, so any member may ask. */
export function nutritionRoutes(): AnyRoute[] {
  return [
    route({
      method: 'post',
      path: '/v1/nutrition/targets',
      summary: 'Daily calorie and macro targets (Mifflin-St Jeor, activity factor, goal adjustment)',
      tags: ['Nutrition'],
      access: 'authenticated',
      body: nutritionTargetsBody,
      responses: { 200: { description: 'Targets', schema: nutritionTargetsSchema } },
      handler: async ({ body }) => ({ status: 200, body: nutritionTargets(body) }),
    }),
  ];
}
