import type { BuildExtraConfigColumns } from 'drizzle-orm';
import {
  bigint,
  foreignKey,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
  type PgColumnBuilderBase,
  type PgTableExtraConfigValue,
} from 'drizzle-orm/pg-core';

export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
export const createdAt = () => ts('created_at').notNull().defaultNow();

/** A coaching business. Its own row is visible only inside its tenant context. */
export const tenants = pgTable('tenants', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  /** Null means the platform default from configuration. */
  storageQuotaBytes: bigint('storage_quota_bytes', { mode: 'number' }),
  createdAt: createdAt(),
});

const tenantColumns = {
  tenantId: uuid('tenant_id').notNull(),
  id: uuid('id').notNull(),
};
type TenantColumns<C> = typeof tenantColumns & C;

/**
 * A tenant-owned table: primary key (tenant_id, id), so every table can be
 * distributed by tenant_id, and a cascading reference to its tenant. The
 * migrations give every table with a tenant_id column forced row-level security.
 */
export function tenantTable<N extends string, C extends Record<string, PgColumnBuilderBase>>(
  name: N,
  columns: C,
  extra?: (t: BuildExtraConfigColumns<N, TenantColumns<C>, 'pg'>) => PgTableExtraConfigValue[],
) {
  return pgTable(name, { ...tenantColumns, ...columns } as TenantColumns<C>, (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ name: `${name}_tenant_fk`, columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    ...(extra?.(t) ?? []),
  ]);
}
