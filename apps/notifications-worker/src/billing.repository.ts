import { and, eq } from 'drizzle-orm';
import type { TenantTx } from '@coachline/db/database';
import { products, purchases, subscriptions } from '@coachline/db/schema/index';

export async function findProductName(tx: TenantTx, productId: string): Promise<string | undefined> {
  const [row] = await tx.select({ name: products.name }).from(products).where(and(eq(products.tenantId, tx.scope.tenantId), eq(products.id, productId)));
  return row?.name;
}

export async function findPurchaseRow(tx: TenantTx, purchaseId: string) {
  const [row] = await tx.select().from(purchases).where(and(eq(purchases.tenantId, tx.scope.tenantId), eq(purchases.id, purchaseId)));
  return row;
}

export async function findSubscriptionRow(tx: TenantTx, subscriptionId: string) {
  const [row] = await tx.select().from(subscriptions).where(and(eq(subscriptions.tenantId, tx.scope.tenantId), eq(subscriptions.id, subscriptionId)));
  return row;
}
