import { and, eq, isNull } from 'drizzle-orm';
import type { NewRow, TenantTx } from '@coachline/db/database';
import { passwordResets } from '@coachline/db/schema/index';

export async function insertPasswordReset(tx: TenantTx, row: NewRow<typeof passwordResets>) {
  await tx.insert(passwordResets).values({ ...row, tenantId: tx.scope.tenantId });
}

export async function findPasswordReset(tx: TenantTx, tokenHash: string, lock = false) {
  const query = tx
    .select({ id: passwordResets.id, userId: passwordResets.userId, expiresAt: passwordResets.expiresAt, usedAt: passwordResets.usedAt })
    .from(passwordResets)
    .where(and(eq(passwordResets.tenantId, tx.scope.tenantId), eq(passwordResets.tokenHash, tokenHash)));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

/**
 * Spends every pending reset of the user in the tenant, the one used and any
 * asked for before it: a new password makes older links void. Their sealed
 * tokens go too, as nothing will email them any more.
 */
export async function spendPasswordResetsOf(tx: TenantTx, userId: string, at: Date) {
  await tx
    .update(passwordResets)
    .set({ usedAt: at, tokenSealed: null })
    .where(and(eq(passwordResets.tenantId, tx.scope.tenantId), eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
}
