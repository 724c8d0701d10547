import { boolean, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tenantTable, ts } from './tenant-table';

/** A tenant's own value for a feature flag; flags without a row take the configured default. */
export const tenantFeatureFlags = tenantTable(
  'tenant_feature_flags',
  {
    key: text('key').notNull(),
    enabled: boolean('enabled').notNull(),
    updatedBy: uuid('updated_by').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('tenant_feature_flags_key').on(t.tenantId, t.key)],
);
