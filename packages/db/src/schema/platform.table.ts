import { bigint, index, integer, jsonb, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { pgTable } from 'drizzle-orm/pg-core';
import { createdAt, tenants, tenantTable, ts } from './tenant-table';

export const auditEvents = tenantTable(
  'audit_events',
  {
    actorId: uuid('actor_id'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    requestId: text('request_id'),
    summary: jsonb('summary').$type<Record<string, unknown>>().notNull().default({}),
    at: ts('at').notNull().defaultNow(),
  },
  // The archive job scans every tenant by age, hence the index on `at` alone.
  (t) => [index('audit_events_at_idx').on(t.tenantId, t.id), index('audit_events_age_idx').on(t.at)],
);

/** Audit events older than the retention of `audit_events`, moved here by the scheduler's archive job. */
export const auditEventsArchive = tenantTable(
  'audit_events_archive',
  {
    actorId: uuid('actor_id'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    requestId: text('request_id'),
    summary: jsonb('summary').$type<Record<string, unknown>>().notNull().default({}),
    at: ts('at').notNull(),
    archivedAt: ts('archived_at').notNull().defaultNow(),
  },
  (t) => [index('audit_events_archive_at_idx').on(t.tenantId, t.at)],
);

/** Written in the same transaction as the business rows; the relay publishes it to queues. */
export const outboxEvents = tenantTable(
  'outbox_events',
  {
    type: text('type').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    requestId: text('request_id'),
    traceparent: text('traceparent'),
    createdAt: createdAt(),
    publishedAt: ts('published_at'),
    publishAttempts: integer('publish_attempts').notNull().default(0),
  },
  (t) => [index('outbox_events_created_idx').on(t.createdAt)],
);

/** One row per (event, consumer), written with the consumer's effect: the idempotency record. */
export const processedEvents = pgTable(
  'processed_events',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    consumer: text('consumer').notNull(),
    processedAt: ts('processed_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.eventId, t.consumer] })],
);

export const idempotencyKeys = tenantTable(
  'idempotency_keys',
  {
    userId: uuid('user_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: text('status', { enum: ['in_progress', 'completed'] }).notNull(),
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    createdAt: createdAt(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [uniqueIndex('idempotency_keys_key').on(t.tenantId, t.userId, t.key), index('idempotency_keys_expires_idx').on(t.expiresAt)],
);

/**
 * A tenant's row counts for the admin stats, kept by triggers on the counted
 * tables (migration 0018) so that reading them never counts rows. A tenant has
 * one row per shard, a writer's shard being its connection's: concurrent
 * writers of one tenant rarely wait on each other, and the count is the sum.
 */
export const tenantCounters = pgTable(
  'tenant_counters',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    shard: integer('shard').notNull(),
    workouts: bigint('workouts', { mode: 'number' }).notNull().default(0),
    sessions: bigint('sessions', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.shard] })],
);
