import { eq } from 'drizzle-orm';
import type { SystemTx, TenantTx } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { stripeAccounts } from '@coachline/db/schema/index';

export type StripeAccountRow = typeof stripeAccounts.$inferSelect;

export async function findAccount(tx: TenantTx): Promise<StripeAccountRow | undefined> {
  const [row] = await tx.select().from(stripeAccounts).where(eq(stripeAccounts.tenantId, tx.scope.tenantId));
  return row;
}

export async function insertAccount(tx: TenantTx, accountId: string): Promise<StripeAccountRow> {
  const [row] = await tx.insert(stripeAccounts).values({ tenantId: tx.scope.tenantId, id: newId(), accountId }).returning();
  return row!;
}

export async function updateAccountStatus(tx: TenantTx, values: { chargesEnabled: boolean; detailsSubmitted: boolean }): Promise<StripeAccountRow> {
  const [row] = await tx
    .update(stripeAccounts)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(stripeAccounts.tenantId, tx.scope.tenantId))
    .returning();
  return row!;
}

/** The tenant a connected account belongs to, across every tenant (a webhook names only the account). */
export async function tenantOfAccount(tx: SystemTx, accountId: string): Promise<string | undefined> {
  const [row] = await tx.select({ tenantId: stripeAccounts.tenantId }).from(stripeAccounts).where(eq(stripeAccounts.accountId, accountId));
  return row?.tenantId;
}
