import { and, eq, inArray } from 'drizzle-orm';
import type { TenantTx } from '@coachline/db/database';
import { mediaAssets, type MediaVariant } from '@coachline/db/schema/index';

export type MediaAssetRow = typeof mediaAssets.$inferSelect;

export async function findAsset(tx: TenantTx, id: string): Promise<MediaAssetRow | undefined> {
  const [row] = await tx.select().from(mediaAssets).where(and(eq(mediaAssets.tenantId, tx.scope.tenantId), eq(mediaAssets.id, id)));
  return row;
}

export async function completeAsset(
  tx: TenantTx,
  id: string,
  changes: { status: 'ready' | 'failed'; variants: MediaVariant[]; metadata?: Record<string, unknown>; failureReason?: string | null },
): Promise<MediaAssetRow | undefined> {
  const [row] = await tx
    .update(mediaAssets)
    .set({
      status: changes.status,
      variants: changes.variants,
      ...(changes.metadata ? { metadata: changes.metadata } : {}),
      failureReason: changes.failureReason ?? null,
      readyAt: changes.status === 'ready' ? new Date() : null,
    })
    .where(and(eq(mediaAssets.tenantId, tx.scope.tenantId), eq(mediaAssets.id, id), inArray(mediaAssets.status, ['processing', 'ready'])))
    .returning();
  return row;
}
