import { and, eq, sql } from 'drizzle-orm';
import type { TenantTx } from '@coachline/db/database';
import { mediaAssets, tenants } from '@coachline/db/schema/index';

export type MediaAssetRow = typeof mediaAssets.$inferSelect;

export async function findAsset(tx: TenantTx, id: string): Promise<MediaAssetRow | undefined> {
  const [row] = await tx.select().from(mediaAssets).where(and(eq(mediaAssets.tenantId, tx.scope.tenantId), eq(mediaAssets.id, id)));
  return row;
}

/**
 * Locks the tenant's row until the transaction ends, so concurrent upload
 * intents of one tenant reserve quota one after the other.
 */
export async function lockTenantQuota(tx: TenantTx): Promise<number | null> {
  const [row] = await tx.select({ quota: tenants.storageQuotaBytes }).from(tenants).where(eq(tenants.id, tx.scope.tenantId)).for('update');
  return row?.quota ?? null;
}

export async function insertPendingAsset(
  tx: TenantTx,
  row: { id: string; ownerId: string; kind: MediaAssetRow['kind']; filename: string; declaredContentType: string; sizeBytes: number; storageKey: string; uploadId: string; partSize: number },
): Promise<void> {
  await tx.insert(mediaAssets).values({ ...row, tenantId: tx.scope.tenantId, status: 'pending' });
}

/** Moves a pending asset on; undefined when another request already did. */
export async function updatePendingAsset(tx: TenantTx, id: string, changes: Partial<MediaAssetRow>): Promise<MediaAssetRow | undefined> {
  const [row] = await tx
    .update(mediaAssets)
    .set(changes)
    .where(and(eq(mediaAssets.tenantId, tx.scope.tenantId), eq(mediaAssets.id, id), eq(mediaAssets.status, 'pending')))
    .returning();
  return row;
}

/**
 * Whether the asset is shown to `userId` somewhere: in a post of a space they
 * belong to, in a message of their conversation, or as a member's profile photo.
 */
export async function isSharedWith(tx: TenantTx, mediaId: string, userId: string): Promise<boolean> {
  const { tenantId } = tx.scope;
  const result = await tx.execute<{ shared: boolean }>(sql`
    SELECT EXISTS (
      SELECT 1 FROM posts p
      JOIN space_members sm ON sm.tenant_id = p.tenant_id AND sm.space_id = p.space_id
      WHERE p.tenant_id = ${tenantId} AND ${mediaId}::uuid = ANY (p.media_ids) AND sm.user_id = ${userId}
    ) OR EXISTS (
      SELECT 1 FROM messages m
      JOIN conversations c ON c.tenant_id = m.tenant_id AND c.id = m.conversation_id
      WHERE m.tenant_id = ${tenantId} AND m.media_id = ${mediaId} AND ${userId}::uuid IN (c.user_a, c.user_b)
    ) OR EXISTS (
      SELECT 1 FROM memberships mb JOIN users u ON u.id = mb.user_id
      WHERE mb.tenant_id = ${tenantId} AND mb.removed_at IS NULL AND u.avatar_media_id = ${mediaId}
    ) AS shared`);
  return Boolean(result.rows[0]?.shared);
}
