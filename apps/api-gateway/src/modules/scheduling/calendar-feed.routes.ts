import type { RequestHandler } from 'express';
import { calendarFeedSchema, calendarTokenParams } from '@coachline/domain/api/scheduling';
import { noStore } from '../../http/no-store';
import { route, type AnyRoute } from '../../http/route';
import type { CalendarFeedService } from './calendar-feed.service';

export function calendarFeedRoutes(feeds: CalendarFeedService, limitFeedReads: RequestHandler): AnyRoute[] {
  const tags = ['Scheduling'];
  return [
    route({
      method: 'post',
      path: '/v1/calendar-feed',
      summary: 'Issue a private iCalendar address of your sessions; replaces any earlier one',
      tags,
      access: 'session:read',
      middleware: [noStore],
      responses: { 201: { description: 'The new address', schema: calendarFeedSchema } },
      handler: async ({ actor }) => ({ status: 201, body: await feeds.issue(actor) }),
    }),
    route({
      method: 'delete',
      path: '/v1/calendar-feed',
      summary: 'Revoke your calendar address',
      tags,
      access: 'session:read',
      responses: { 204: { description: 'Revoked' } },
      handler: async ({ actor }) => {
        await feeds.revoke(actor);
        return { status: 204 };
      },
    }),
    route({
      method: 'get',
      path: '/v1/calendar/:token.ics',
      summary: 'The iCalendar feed behind a private address (no bearer token: the address is the secret)',
      tags,
      access: 'public',
      params: calendarTokenParams,
      middleware: [limitFeedReads],
      responses: { 200: { description: 'text/calendar' } },
      handler: async ({ params }) => ({
        status: 200,
        body: await feeds.render(params.token),
        contentType: 'text/calendar; charset=utf-8',
        headers: { 'cache-control': 'private, max-age=300', 'content-disposition': 'inline; filename="coachline.ics"' },
      }),
    }),
  ];
}
