import { creditBalance, lockCredits, purchaseEntry, recordCredit } from '@coachline/db/credit-ledger';
import type { TenantTx } from '@coachline/db/database';
import { emit } from '@coachline/db/outbox';
import { findProduct, lockSubscriptionOfPurchase, updatePurchase, updateSubscription, type ProductRow, type PurchaseRow, type SubscriptionRow } from '@coachline/db/payments';
import { assignForPurchase, removeForPurchase } from '@coachline/db/program-assignments';

const today = () => new Date().toISOString().slice(0, 10);

/** What a paid purchase grants: its program, or its credits. A subscription's programs follow its status instead. */
export async function grantPurchase(tx: TenantTx, purchase: PurchaseRow, product: ProductRow): Promise<void> {
  if (product.kind === 'program' && product.programId) await assignForPurchase(tx, purchase, [product.programId], today());
  if (product.kind === 'session_pack' && product.sessionCredits) {
    await lockCredits(tx, purchase.userId);
    await recordCredit(tx, { userId: purchase.userId, delta: product.sessionCredits, reason: 'purchase', purchaseId: purchase.id });
  }
}

/** A subscription keeps its programs assigned while active or past due (Stripe is still retrying); canceled takes them back. */
export async function syncSubscriptionPrograms(tx: TenantTx, subscription: SubscriptionRow, product: ProductRow): Promise<void> {
  if (subscription.status === 'canceled') await removeForPurchase(tx, subscription.purchaseId);
  else await assignForPurchase(tx, { id: subscription.purchaseId, userId: subscription.userId }, product.programIds, today());
}

/**
 * Marks a purchase refunded and takes back what it granted: its programs, and
 * its credits as far as the balance allows. Credits already spent on sessions
 * stay spent (those sessions stand), so the balance never goes below zero.
 * `purchase` must be locked (lockPurchase). False when it already was refunded.
 */
export async function refundPurchase(tx: TenantTx, purchase: PurchaseRow): Promise<boolean> {
  if (purchase.status === 'refunded') return false;
  const wasPaid = purchase.status === 'paid';
  await removeForPurchase(tx, purchase.id);
  if (purchase.kind === 'session_pack') {
    await lockCredits(tx, purchase.userId);
    const granted = await purchaseEntry(tx, purchase.id, 'purchase');
    const takeBack = granted ? Math.min(granted.delta, await creditBalance(tx, purchase.userId)) : 0;
    if (takeBack > 0) await recordCredit(tx, { userId: purchase.userId, delta: -takeBack, reason: 'refund', purchaseId: purchase.id });
  }
  if (purchase.kind === 'subscription') {
    const subscription = await lockSubscriptionOfPurchase(tx, purchase.id);
    if (subscription && subscription.status !== 'canceled') {
      await updateSubscription(tx, subscription.id, { status: 'canceled', paymentUpdateUrl: null });
      await emit(tx, 'subscription.updated', {
        subscriptionId: subscription.id,
        purchaseId: purchase.id,
        userId: purchase.userId,
        productId: purchase.productId,
        status: 'canceled',
        previousStatus: subscription.status,
      });
    }
  }
  await updatePurchase(tx, purchase.id, { status: 'refunded', refundedAt: new Date() });
  if (wasPaid) {
    await emit(tx, 'purchase.refunded', { purchaseId: purchase.id, userId: purchase.userId, productId: purchase.productId, amountCents: purchase.amountCents, currency: purchase.currency });
  }
  return true;
}

/** The product of a purchase; products are never deleted, so a purchase always has one. */
export async function productOf(tx: TenantTx, purchase: PurchaseRow): Promise<ProductRow> {
  const product = await findProduct(tx, purchase.productId);
  if (!product) throw new Error(`purchase ${purchase.id} has no product`);
  return product;
}
