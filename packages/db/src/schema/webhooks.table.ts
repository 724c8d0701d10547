import { sql } from 'drizzle-orm';
import { foreignKey, index, integer, jsonb, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { WEBHOOK_DELIVERY_STATUSES, WEBHOOK_ENDPOINT_STATUSES } from '@coachline/domain/api/webhooks';
import { createdAt, tenantTable, ts } from './tenant-table';

/** A tenant's receiver of outbound webhooks. */
export const webhookEndpoints = tenantTable('webhook_endpoints', {
  url: text('url').notNull(),
  description: text('description'),
  /** Subscribed event types. */
  events: text('events').array().notNull(),
  /** The `whsec_` signing secret sealed with the secret box (context `webhook_endpoints.secret_sealed:<id>`). */
  secretSealed: text('secret_sealed').notNull(),
  status: text('status', { enum: WEBHOOK_ENDPOINT_STATUSES }).notNull().default('active'),
  createdBy: uuid('created_by').notNull(),
  createdAt: createdAt(),
  /** The first failed attempt since the endpoint last succeeded; null while it answers. */
  failingSince: ts('failing_since'),
  disabledAt: ts('disabled_at'),
});

/**
 * One event for one endpoint, with its attempts: the deliveries list and
 * redelivery read it, and the worker's schedule is `next_attempt_at`, so
 * nothing of it lives only in Redis.
 */
export const webhookDeliveries = tenantTable(
  'webhook_deliveries',
  {
    endpointId: uuid('endpoint_id').notNull(),
    eventId: uuid('event_id').notNull(),
    eventType: text('event_type').notNull(),
    /** The body's `data`, kept so a retry or a redelivery sends the same message. */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    occurredAt: ts('occurred_at').notNull(),
    status: text('status', { enum: WEBHOOK_DELIVERY_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    lastAttemptAt: ts('last_attempt_at'),
    /** When the next attempt is due (or, while one runs, when it counts as lost); null once settled. */
    nextAttemptAt: ts('next_attempt_at'),
    /** Start of the retry window: the delivery's creation, or its last redelivery. */
    windowStartedAt: ts('window_started_at').notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ name: 'webhook_deliveries_endpoint_fk', columns: [t.tenantId, t.endpointId], foreignColumns: [webhookEndpoints.tenantId, webhookEndpoints.id] }).onDelete('cascade'),
    uniqueIndex('webhook_deliveries_event_key').on(t.tenantId, t.endpointId, t.eventId),
    index('webhook_deliveries_endpoint_idx').on(t.tenantId, t.endpointId, t.id),
    // The worker's sweep looks for overdue pending deliveries of every tenant.
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
  ],
);
