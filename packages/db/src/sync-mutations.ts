import { and, eq } from 'drizzle-orm';
import type { SyncMutationType } from '@coachline/domain/api/sync';
import type { TenantTx } from './database';
import { syncMutations } from './schema/index';

const mine = (tx: TenantTx, userId: string, clientMutationId: string) =>
  and(eq(syncMutations.tenantId, tx.scope.tenantId), eq(syncMutations.userId, userId), eq(syncMutations.clientMutationId, clientMutationId));

/**
 * Claims a client's mutation id for this transaction. False when it was applied
 * before; a concurrent claim of the same id waits on the key until the first
 * transaction ends, and then finds it applied (or, rolled back, claims it).
 */
export async function claimMutation(tx: TenantTx, userId: string, clientMutationId: string, type: SyncMutationType): Promise<boolean> {
  const claimed = await tx
    .insert(syncMutations)
    .values({ tenantId: tx.scope.tenantId, userId, clientMutationId, type })
    .onConflictDoNothing()
    .returning({ id: syncMutations.clientMutationId });
  return claimed.length === 1;
}

export async function appliedMutation(tx: TenantTx, userId: string, clientMutationId: string) {
  const [row] = await tx.select({ type: syncMutations.type, result: syncMutations.result }).from(syncMutations).where(mine(tx, userId, clientMutationId));
  return row;
}

export async function recordMutationResult(tx: TenantTx, userId: string, clientMutationId: string, result: unknown): Promise<void> {
  await tx.update(syncMutations).set({ result }).where(mine(tx, userId, clientMutationId));
}
