import { idParams, pageOf, pageQuery } from '@coachline/domain/api/common';
import { deviceSchema, notificationListQuery, notificationSchema, preferencesSchema, registerDeviceBody, updatePreferencesBody } from '@coachline/domain/api/notifications';
import { route, type AnyRoute } from '../../http/route';
import type { NotificationService } from './notifications.service';

export function notificationRoutes(service: NotificationService): AnyRoute[] {
  const tags = ['Notifications'];
  return [
    route({
      method: 'get',
      path: '/v1/notifications',
      summary: "The caller's notifications, newest first",
      tags,
      access: 'notification:read',
      query: notificationListQuery,
      responses: { 200: { description: 'Notifications', schema: pageOf(notificationSchema) } },
      handler: async ({ actor, query }) => ({ status: 200, body: await service.list(actor, query) }),
    }),
    route({
      method: 'post',
      path: '/v1/notifications/read-all',
      summary: 'Mark every notification read',
      tags,
      access: 'notification:write',
      responses: { 204: { description: 'Done' } },
      handler: async ({ actor }) => {
        await service.markAllRead(actor);
        return { status: 204 };
      },
    }),
    route({
      method: 'post',
      path: '/v1/notifications/:id/read',
      summary: 'Mark one notification read',
      tags,
      access: 'notification:write',
      params: idParams,
      responses: { 204: { description: 'Done' } },
      handler: async ({ actor, params }) => {
        await service.markRead(actor, params.id);
        return { status: 204 };
      },
    }),
    route({
      method: 'get',
      path: '/v1/notification-preferences',
      summary: 'Channels, then event types; everything is on unless turned off',
      tags,
      access: 'notification:read',
      responses: { 200: { description: 'Preferences', schema: preferencesSchema } },
      handler: async ({ actor }) => ({ status: 200, body: await service.preferences(actor) }),
    }),
    route({
      method: 'put',
      path: '/v1/notification-preferences',
      summary: 'Change preferences; entries not sent keep their values',
      tags,
      access: 'notification:write',
      body: updatePreferencesBody,
      responses: { 200: { description: 'Stored preferences', schema: preferencesSchema } },
      handler: async ({ actor, body }) => ({ status: 200, body: await service.updatePreferences(actor, body) }),
    }),
    route({
      method: 'post',
      path: '/v1/devices',
      summary: 'Register a Web Push subscription or a native push token',
      tags,
      access: 'notification:write',
      body: registerDeviceBody,
      responses: { 201: { description: 'Registered', schema: deviceSchema } },
      handler: async ({ actor, body }) => ({ status: 201, body: await service.registerDevice(actor, body) }),
    }),
    route({
      method: 'get',
      path: '/v1/devices',
      summary: "The caller's registered devices, newest first",
      tags,
      access: 'notification:read',
      query: pageQuery,
      responses: { 200: { description: 'Devices', schema: pageOf(deviceSchema) } },
      handler: async ({ actor, query }) => ({ status: 200, body: await service.listDevices(actor, query) }),
    }),
    route({
      method: 'delete',
      path: '/v1/devices/:id',
      summary: 'Stop pushing to one of the caller\'s devices',
      tags,
      access: 'notification:write',
      params: idParams,
      responses: { 204: { description: 'Removed' } },
      handler: async ({ actor, params }) => {
        await service.removeDevice(actor, params.id);
        return { status: 204 };
      },
    }),
  ];
}
