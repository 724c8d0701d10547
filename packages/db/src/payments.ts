import { and, eq } from 'drizzle-orm';
import type { NewRow, TenantTx } from './database';
import { products, purchases, subscriptions } from './schema/index';

export type ProductRow = typeof products.$inferSelect;
export type PurchaseRow = typeof purchases.$inferSelect;
export type SubscriptionRow = typeof subscriptions.$inferSelect;

export async function findProduct(tx: TenantTx, id: string): Promise<ProductRow | undefined> {
  const [row] = await tx
    .select()
    .from(products)
    .where(and(eq(products.tenantId, tx.scope.tenantId), eq(products.id, id)));
  return row;
}

/** The purchase, locked until the transaction ends: its status moves one way, one writer at a time. */
export async function lockPurchase(tx: TenantTx, id: string): Promise<PurchaseRow | undefined> {
  const [row] = await tx
    .select()
    .from(purchases)
    .where(and(eq(purchases.tenantId, tx.scope.tenantId), eq(purchases.id, id)))
    .for('update');
  return row;
}

export async function findPurchase(tx: TenantTx, id: string): Promise<PurchaseRow | undefined> {
  const [row] = await tx
    .select()
    .from(purchases)
    .where(and(eq(purchases.tenantId, tx.scope.tenantId), eq(purchases.id, id)));
  return row;
}

export async function updatePurchase(tx: TenantTx, id: string, values: Partial<Omit<NewRow<typeof purchases>, 'id'>>): Promise<PurchaseRow> {
  const [row] = await tx
    .update(purchases)
    .set(values)
    .where(and(eq(purchases.tenantId, tx.scope.tenantId), eq(purchases.id, id)))
    .returning();
  return row!;
}

export async function lockSubscriptionByStripeId(tx: TenantTx, stripeSubscriptionId: string): Promise<SubscriptionRow | undefined> {
  const [row] = await tx
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.tenantId, tx.scope.tenantId), eq(subscriptions.stripeSubscriptionId, stripeSubscriptionId)))
    .for('update');
  return row;
}

export async function findSubscription(tx: TenantTx, id: string): Promise<SubscriptionRow | undefined> {
  const [row] = await tx
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.tenantId, tx.scope.tenantId), eq(subscriptions.id, id)));
  return row;
}

/** Creates the row, or returns the one a concurrent event created first (locked either way). */
export async function insertSubscription(tx: TenantTx, row: NewRow<typeof subscriptions>): Promise<SubscriptionRow> {
  await tx.insert(subscriptions).values({ ...row, tenantId: tx.scope.tenantId }).onConflictDoNothing();
  return (await lockSubscriptionByStripeId(tx, row.stripeSubscriptionId))!;
}

export async function updateSubscription(tx: TenantTx, id: string, values: Partial<Omit<NewRow<typeof subscriptions>, 'id'>>): Promise<SubscriptionRow> {
  const [row] = await tx
    .update(subscriptions)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(subscriptions.tenantId, tx.scope.tenantId), eq(subscriptions.id, id)))
    .returning();
  return row!;
}

export async function lockSubscriptionOfPurchase(tx: TenantTx, purchaseId: string): Promise<SubscriptionRow | undefined> {
  const [row] = await tx
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.tenantId, tx.scope.tenantId), eq(subscriptions.purchaseId, purchaseId)))
    .for('update');
  return row;
}
