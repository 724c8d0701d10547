import { sql } from 'drizzle-orm';
import { index, jsonb, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { membershipRef } from './identity.table';
import { createdAt, tenantTable, ts } from './tenant-table';

export const notifications = tenantTable(
  'notifications',
  {
    userId: uuid('user_id').notNull(),
    type: text('type').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    /** The event (or reminder) that caused it: one notification per recipient per cause. */
    sourceId: text('source_id').notNull(),
    readAt: ts('read_at'),
    createdAt: createdAt(),
  },
  (t) => [
    membershipRef(t, t.userId, 'notifications_user_fk'),
    uniqueIndex('notifications_source_key').on(t.tenantId, t.sourceId, t.userId),
    index('notifications_user_idx').on(t.tenantId, t.userId, t.id),
    // The unread ones are a few among many read: their list never walks the read ones.
    index('notifications_user_unread_idx').on(t.tenantId, t.userId, t.id).where(sql`read_at IS NULL`),
  ],
);

/** channel -> event type -> enabled; absent entries mean enabled. */
export type NotificationChannels = Record<'inApp' | 'email' | 'push', Record<string, boolean>>;

export const notificationPreferences = tenantTable(
  'notification_preferences',
  {
    userId: uuid('user_id').notNull(),
    channels: jsonb('channels').$type<Partial<NotificationChannels>>().notNull().default({}),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [membershipRef(t, t.userId, 'notification_preferences_user_fk'), uniqueIndex('notification_preferences_user_key').on(t.tenantId, t.userId)],
);

export const deviceTokens = tenantTable(
  'device_tokens',
  {
    userId: uuid('user_id').notNull(),
    platform: text('platform', { enum: ['web', 'ios', 'android'] }).notNull(),
    /** Web Push endpoint or the native push token. */
    address: text('address').notNull(),
    subscription: jsonb('subscription').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    lastFailureAt: ts('last_failure_at'),
  },
  (t) => [membershipRef(t, t.userId, 'device_tokens_user_fk'), uniqueIndex('device_tokens_address_key').on(t.tenantId, t.userId, t.address)],
);
