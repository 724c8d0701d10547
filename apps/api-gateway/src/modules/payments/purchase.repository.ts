import { and, desc, eq, lt } from 'drizzle-orm';
import type { NewRow, TenantTx } from '@coachline/db/database';
import type { PurchaseRow } from '@coachline/db/payments';
import { purchases, users } from '@coachline/db/schema/index';

export async function insertPurchase(tx: TenantTx, row: NewRow<typeof purchases>): Promise<PurchaseRow> {
  const [inserted] = await tx.insert(purchases).values({ ...row, tenantId: tx.scope.tenantId }).returning();
  return inserted!;
}

/** Newest first; ids are UUIDv7, so the id alone orders by creation. */
export async function listPurchases(tx: TenantTx, filter: { userId?: string; status?: PurchaseRow['status'] }, limit: number, beforeId?: string) {
  return tx
    .select()
    .from(purchases)
    .where(
      and(
        eq(purchases.tenantId, tx.scope.tenantId),
        filter.userId ? eq(purchases.userId, filter.userId) : undefined,
        filter.status ? eq(purchases.status, filter.status) : undefined,
        beforeId ? lt(purchases.id, beforeId) : undefined,
      ),
    )
    .orderBy(desc(purchases.id))
    .limit(limit + 1);
}

export async function emailOf(tx: TenantTx, userId: string): Promise<string | undefined> {
  const [row] = await tx.select({ email: users.email }).from(users).where(eq(users.id, userId));
  return row?.email;
}
