import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { SystemTx, TenantTx } from './database';
import { mediaAssets } from './schema/index';

/**
 * Bytes a tenant's media occupy or has reserved: originals of pending,
 * processing and ready assets plus their variants. Failed assets hold nothing
 * (their objects are deleted), so a failure releases its reservation. A
 * variant that is the original itself (documents) is counted once.
 */
export async function tenantMediaBytes(tx: TenantTx): Promise<number> {
  const result = await tx.execute<{ bytes: string | null }>(sql`
    SELECT coalesce(sum(a.size_bytes + coalesce((
      SELECT sum((v->>'sizeBytes')::bigint) FROM jsonb_array_elements(a.variants) v WHERE v->>'key' <> a.storage_key
    ), 0)), 0)::text AS bytes
    FROM media_assets a
    WHERE a.tenant_id = ${tx.scope.tenantId} AND a.status <> 'failed'`);
  return Number(result.rows[0]?.bytes ?? 0);
}

export interface AbandonedUpload {
  tenantId: string;
  id: string;
  storageKey: string;
  uploadId: string | null;
}

/** Pending uploads started before `before`, across tenants. */
export async function findAbandonedUploads(systemTx: SystemTx, before: Date, limit: number): Promise<AbandonedUpload[]> {
  return systemTx
    .select({ tenantId: mediaAssets.tenantId, id: mediaAssets.id, storageKey: mediaAssets.storageKey, uploadId: mediaAssets.uploadId })
    .from(mediaAssets)
    .where(and(eq(mediaAssets.status, 'pending'), lt(mediaAssets.createdAt, before)))
    .orderBy(mediaAssets.createdAt)
    .limit(limit);
}

/** Marks a still-pending upload failed, which releases its reservation; false when it moved on meanwhile. */
export async function failPendingUpload(tx: TenantTx, id: string, reason: string): Promise<boolean> {
  const rows = await tx
    .update(mediaAssets)
    .set({ status: 'failed', failureReason: reason, uploadId: null })
    .where(and(eq(mediaAssets.tenantId, tx.scope.tenantId), eq(mediaAssets.id, id), eq(mediaAssets.status, 'pending')))
    .returning({ id: mediaAssets.id });
  return rows.length > 0;
}

/**
 * For attaching media to posts, sets, messages or a profile: the ids among
 * `ids` that belong to the tenant and are processing or ready. Callers answer
 * 422 for the others.
 */
export async function attachableMediaIds(tx: TenantTx, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await tx
    .select({ id: mediaAssets.id })
    .from(mediaAssets)
    .where(and(eq(mediaAssets.tenantId, tx.scope.tenantId), inArray(mediaAssets.id, [...ids]), inArray(mediaAssets.status, ['processing', 'ready'])));
  return new Set(rows.map((r) => r.id));
}
