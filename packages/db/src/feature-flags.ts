import { eq, sql } from 'drizzle-orm';
import type { TenantTx } from './database';
import { newId } from './ids';
import { tenantFeatureFlags } from './schema/index';

/** The tenant's overrides, key -> enabled; flags without one take the configured default. */
export async function tenantFlagOverrides(tx: TenantTx): Promise<Map<string, boolean>> {
  const rows = await tx
    .select({ key: tenantFeatureFlags.key, enabled: tenantFeatureFlags.enabled })
    .from(tenantFeatureFlags)
    .where(eq(tenantFeatureFlags.tenantId, tx.scope.tenantId));
  return new Map(rows.map((r) => [r.key, r.enabled]));
}

/** Sets the tenant's value for a flag, creating or replacing its override. */
export async function setTenantFlag(tx: TenantTx, key: string, enabled: boolean, updatedBy: string): Promise<void> {
  await tx
    .insert(tenantFeatureFlags)
    .values({ tenantId: tx.scope.tenantId, id: newId(), key, enabled, updatedBy })
    .onConflictDoUpdate({ target: [tenantFeatureFlags.tenantId, tenantFeatureFlags.key], set: { enabled, updatedBy, updatedAt: sql`now()` } });
}

