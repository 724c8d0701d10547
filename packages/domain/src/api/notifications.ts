import { z } from 'zod';
import { uuid } from './common';

/** Event types that notify someone; each is a key of every preference channel. */
export const NOTIFYING_TYPES = [
  'post.created',
  'comment.created',
  'session.scheduled',
  'session.cancelled',
  'session.reminder',
  'message.created',
  'media.ready',
  'integration.failed',
  'webhook_endpoint.disabled',
  'triage.item',
] as const;
export type NotifyingType = (typeof NOTIFYING_TYPES)[number];

export const CHANNELS = ['inApp', 'email', 'push'] as const;
export type Channel = (typeof CHANNELS)[number];

export type PreferenceChannels = Record<Channel, Record<NotifyingType, boolean>>;

/** Preferences as stored: channel -> type -> on, possibly partial. */
export type StoredPreferences = Partial<Record<string, Record<string, boolean>>> | undefined;

/** The one preference rule: a channel is on for a type unless the user turned it off. */
export function channelOn(stored: StoredPreferences, channel: Channel, type: string): boolean {
  return stored?.[channel]?.[type] ?? true;
}

/** Stored preferences (possibly partial) over the defaults: every channel and type, on unless turned off. */
export function resolvePreferences(stored: StoredPreferences): PreferenceChannels {
  const result = {} as PreferenceChannels;
  for (const channel of CHANNELS) {
    result[channel] = {} as Record<NotifyingType, boolean>;
    for (const type of NOTIFYING_TYPES) result[channel][type] = channelOn(stored, channel, type);
  }
  return result;
}

const typeMap = z.strictObject(Object.fromEntries(NOTIFYING_TYPES.map((t) => [t, z.boolean().optional()])) as Record<NotifyingType, z.ZodOptional<z.ZodBoolean>>);

export const notificationSchema = z
  .object({
    id: uuid,
    type: z.string(),
    title: z.string(),
    body: z.string(),
    data: z.record(z.string(), z.unknown()),
    readAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Notification' });

export const notificationListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(512).optional(),
  unread: z.enum(['true', 'false']).optional(),
});

export const preferencesSchema = z
  .object({ channels: z.object(Object.fromEntries(CHANNELS.map((c) => [c, z.record(z.string(), z.boolean())])) as Record<Channel, z.ZodRecord<z.ZodString, z.ZodBoolean>>) })
  .meta({ id: 'NotificationPreferences' });

/** Partial maps: entries not sent keep their stored values. */
export const updatePreferencesBody = z
  .strictObject({ channels: z.strictObject({ inApp: typeMap.optional(), email: typeMap.optional(), push: typeMap.optional() }) })
  .meta({ id: 'UpdateNotificationPreferencesRequest' });

/** A browser's PushSubscription as `toJSON()` gives it. */
export const webPushSubscriptionSchema = z.strictObject({
  endpoint: z.url().max(2048),
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({ p256dh: z.string().min(1).max(512), auth: z.string().min(1).max(512) }),
});

export const registerDeviceBody = z
  .discriminatedUnion('platform', [
    z.strictObject({ platform: z.literal('web'), subscription: webPushSubscriptionSchema }),
    z.strictObject({ platform: z.enum(['ios', 'android']), token: z.string().min(1).max(4096) }),
  ])
  .meta({ id: 'RegisterDeviceRequest' });

export const deviceSchema = z
  .object({ id: uuid, platform: z.enum(['web', 'ios', 'android']), createdAt: z.string() })
  .meta({ id: 'Device' });
