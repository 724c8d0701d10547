import { sql } from 'drizzle-orm';
import { bigserial, customType, foreignKey, index, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { SYNC_ENTITIES, SYNC_MUTATION_TYPES } from '@coachline/domain/api/sync';
import { createdAt, tenants, ts } from './tenant-table';

/** Postgres' 64-bit transaction id, read and written as its decimal text. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

/**
 * The change feed's row versions: one row per entity and viewer, rewritten by
 * triggers on the entity tables in the transaction that changed the entity, so
 * no code path can change an entity without it. `viewer` is the user the row
 * belongs to (an athlete, a participant), or the nil uuid for the row that
 * roles seeing every row of the entity read. A deletion turns the rows into
 * tombstones. `xid` is the writing transaction, `position` orders the rows of
 * one transaction. packages/db/src/sync/README.md explains the design.
 */
export const syncRowVersions = pgTable(
  'sync_row_versions',
  {
    tenantId: uuid('tenant_id').notNull(),
    entity: text('entity', { enum: SYNC_ENTITIES }).notNull(),
    entityId: uuid('entity_id').notNull(),
    viewer: uuid('viewer').notNull(),
    op: text('op', { enum: ['upsert', 'delete'] }).notNull(),
    position: bigserial('position', { mode: 'number' }).notNull(),
    xid: xid8('xid').notNull().default(sql`pg_current_xact_id()`),
    changedAt: ts('changed_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.entity, t.entityId, t.viewer] }),
    foreignKey({ name: 'sync_row_versions_tenant_fk', columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    index('sync_row_versions_feed_idx').on(t.tenantId, t.viewer, t.xid, t.position),
  ],
);

/**
 * Mutations applied through offline sync, by the client's id, per tenant and
 * user: written in the transaction of the mutation's own work, so a replay
 * finds it and changes nothing, and a rejected mutation leaves no row.
 */
export const syncMutations = pgTable(
  'sync_mutations',
  {
    tenantId: uuid('tenant_id').notNull(),
    userId: uuid('user_id').notNull(),
    clientMutationId: text('client_mutation_id').notNull(),
    type: text('type', { enum: SYNC_MUTATION_TYPES }).notNull(),
    /** What the mutation answered when it was applied, returned again with a duplicate. */
    result: jsonb('result'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId, t.clientMutationId] }),
    foreignKey({ name: 'sync_mutations_tenant_fk', columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
  ],
);
