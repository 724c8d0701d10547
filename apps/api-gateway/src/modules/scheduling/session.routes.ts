import { idParams, pageOf } from '@coachline/domain/api/common';
import { bookSessionBody, cancelSessionBody, coachingSessionSchema, listSessionsQuery } from '@coachline/domain/api/scheduling';
import { route, type AnyRoute } from '../../http/route';
import type { SessionService } from './session.service';

export function sessionRoutes(sessions: SessionService): AnyRoute[] {
  const tags = ['Scheduling'];
  return [
    route({
      method: 'post',
      path: '/v1/sessions',
      summary: "Book a session in a coach's availability; athletes book for themselves",
      tags,
      access: 'session:write',
      body: bookSessionBody,
      responses: {
        201: { description: 'Booked', schema: coachingSessionSchema },
        409: { description: 'Overlaps an active session of the coach' },
      },
      handler: async ({ actor, body }) => ({ status: 201, body: await sessions.book(actor, body) }),
    }),
    route({
      method: 'get',
      path: '/v1/sessions',
      summary: 'Sessions by start time; athletes see their own',
      tags,
      access: 'session:read',
      query: listSessionsQuery,
      responses: { 200: { description: 'Sessions', schema: pageOf(coachingSessionSchema) } },
      handler: async ({ actor, query }) => ({ status: 200, body: await sessions.list(actor, query) }),
    }),
    route({
      method: 'get',
      path: '/v1/sessions/:id',
      summary: 'One session',
      tags,
      access: 'session:read',
      params: idParams,
      responses: { 200: { description: 'Session', schema: coachingSessionSchema } },
      handler: async ({ actor, params }) => ({ status: 200, body: await sessions.get(actor, params.id) }),
    }),
    route({
      method: 'post',
      path: '/v1/sessions/:id/cancel',
      summary: 'Cancel a session (the athlete, the coach, SCHEDULER, ADMIN); frees the slot',
      tags,
      access: 'session:write',
      params: idParams,
      body: cancelSessionBody,
      deferInput: true,
      responses: {
        200: { description: 'Cancelled; `late` when within the coach’s cancellation notice', schema: coachingSessionSchema },
        409: { description: 'Not scheduled any more, or already started' },
      },
      handler: async ({ actor, params, body }) => ({ status: 200, body: await sessions.cancel(actor, params.id, body) }),
    }),
  ];
}
