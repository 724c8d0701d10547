import { idParams } from '@coachline/domain/api/common';
import {
  availabilityBody,
  availabilitySchema,
  coachTimeOffParams,
  slotListSchema,
  slotsQuery,
  timeOffBody,
  timeOffSchema,
} from '@coachline/domain/api/scheduling';
import { route, type AnyRoute } from '../../http/route';
import type { AvailabilityService } from './availability.service';

export function availabilityRoutes(availability: AvailabilityService): AnyRoute[] {
  const tags = ['Scheduling'];
  return [
    route({
      method: 'get',
      path: '/v1/coaches/:id/availability',
      summary: "A coach's weekly rules, notice settings and upcoming time off",
      tags,
      access: 'availability:read',
      params: idParams,
      responses: { 200: { description: 'Availability', schema: availabilitySchema } },
      handler: async ({ actor, params }) => ({ status: 200, body: await availability.get(actor, params.id) }),
    }),
    route({
      method: 'put',
      path: '/v1/coaches/:id/availability',
      summary: "Set a coach's weekly availability in their IANA time zone (the coach, SCHEDULER, ADMIN)",
      tags,
      access: 'availability:write',
      params: idParams,
      body: availabilityBody,
      deferInput: true,
      responses: { 200: { description: 'Stored availability', schema: availabilitySchema } },
      handler: async ({ actor, params, body }) => ({ status: 200, body: await availability.put(actor, params.id, body) }),
    }),
    route({
      method: 'post',
      path: '/v1/coaches/:id/time-off',
      summary: 'Add dated time off, which removes slots (the coach, SCHEDULER, ADMIN)',
      tags,
      access: 'availability:write',
      params: idParams,
      body: timeOffBody,
      deferInput: true,
      responses: { 201: { description: 'Time off added', schema: timeOffSchema } },
      handler: async ({ actor, params, body }) => ({ status: 201, body: await availability.addTimeOff(actor, params.id, body) }),
    }),
    route({
      method: 'delete',
      path: '/v1/coaches/:id/time-off/:timeOffId',
      summary: 'Remove time off (the coach, SCHEDULER, ADMIN)',
      tags,
      access: 'availability:write',
      params: coachTimeOffParams,
      responses: { 204: { description: 'Removed' } },
      handler: async ({ actor, params }) => {
        await availability.removeTimeOff(actor, params.id, params.timeOffId);
        return { status: 204 };
      },
    }),
    route({
      method: 'get',
      path: '/v1/coaches/:id/slots',
      summary: 'Free slots in UTC between from and to (at most 31 days apart)',
      tags,
      access: 'availability:read',
      params: idParams,
      query: slotsQuery,
      deferInput: true,
      responses: { 200: { description: 'Free slots', schema: slotListSchema } },
      handler: async ({ actor, params, query }) => ({ status: 200, body: await availability.slots(actor, params.id, query) }),
    }),
  ];
}
