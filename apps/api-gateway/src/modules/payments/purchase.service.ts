import { recordAudit } from '@coachline/db/audit';
import type { Database } from '@coachline/db/database';
import { decodeCursor, page } from '@coachline/db/pagination';
import { findPurchase, lockPurchase, lockSubscriptionOfPurchase, type PurchaseRow } from '@coachline/db/payments';
import type { Actor } from '@coachline/domain/actor';
import type { listPurchasesQuery } from '@coachline/domain/api/payments';
import { ConflictError, ForbiddenError, NotFoundError } from '@coachline/domain/errors';
import type { Logger } from '@coachline/runtime/logger';
import { refundPurchase } from '@coachline/use-cases/billing/purchase-entitlements';
import type { z } from 'zod';
import { listPurchases } from './purchase.repository';
import { findAccount } from './stripe-account.repository';
import { callStripe } from './stripe-errors';
import { requireStripe, type StripeClient } from './stripe.client';

export function purchaseView(row: PurchaseRow) {
  return {
    id: row.id,
    productId: row.productId,
    userId: row.userId,
    kind: row.kind,
    status: row.status,
    amountCents: row.amountCents,
    currency: row.currency,
    createdAt: row.createdAt.toISOString(),
    paidAt: row.paidAt?.toISOString() ?? null,
    refundedAt: row.refundedAt?.toISOString() ?? null,
  };
}

/** Whose purchases and entitlements the caller may read: athletes their own, staff anyone's. */
export function subjectOf(actor: Actor, userId: string | undefined): string | undefined {
  if (actor.permissions.includes('purchase:read:any')) return userId;
  if (userId && userId !== actor.userId) throw new ForbiddenError('Athletes see only their own purchases and entitlements.');
  return actor.userId;
}

export class PurchaseService {
  constructor(
    private readonly db: Database,
    private readonly stripe: StripeClient | undefined,
    private readonly logger: Logger,
  ) {}

  async list(actor: Actor, query: z.output<typeof listPurchasesQuery>) {
    const cursor = decodeCursor(query.cursor);
    const userId = subjectOf(actor, query.userId);
    const rows = await this.db.withTenant(actor, (tx) => listPurchases(tx, { userId, status: query.status }, query.limit, cursor?.id));
    const result = page(rows, query.limit, (row) => ({ id: row.id }));
    return { items: result.items.map(purchaseView), nextCursor: result.nextCursor };
  }

  /**
   * Refunds at Stripe first (a failed refund takes nothing back), then marks
   * the purchase refunded and takes back what it granted, in one transaction.
   * A subscription is also cancelled. Refunding again answers the same.
   */
  async refund(actor: Actor, id: string) {
    const stripe = requireStripe(this.stripe);
    const { purchase, accountId, subscription } = await this.db.withTenant(actor, async (tx) => {
      const row = await findPurchase(tx, id);
      if (!row) throw new NotFoundError('No such purchase.');
      return { purchase: row, accountId: (await findAccount(tx))?.accountId, subscription: await lockSubscriptionOfPurchase(tx, id) };
    });
    if (purchase.status === 'refunded') return { status: 'refunded' as const };
    if (purchase.status !== 'paid') throw new ConflictError(`The purchase is ${purchase.status}, not paid.`);
    if (!accountId || (!purchase.paymentIntentId && !purchase.stripeSubscriptionId)) throw new ConflictError('Stripe has no payment of this purchase to refund.');
    const options = { stripeAccount: accountId };
    if (purchase.paymentIntentId) {
      const paymentIntent = purchase.paymentIntentId;
      await callStripe(this.logger, 'refund the payment', () =>
        stripe.refunds.create({ payment_intent: paymentIntent, metadata: { purchaseId: purchase.id } }, { ...options, idempotencyKey: `refund-${purchase.id}` }),
      );
    }
    if (purchase.stripeSubscriptionId && subscription && subscription.status !== 'canceled') {
      const subscriptionId = purchase.stripeSubscriptionId;
      await callStripe(this.logger, 'cancel the subscription', () => stripe.subscriptions.cancel(subscriptionId, {}, { ...options, idempotencyKey: `cancel-${purchase.id}` }));
    }
    await this.db.withTenant(actor, async (tx) => {
      const locked = await lockPurchase(tx, id);
      if (locked && (await refundPurchase(tx, locked))) {
        await recordAudit(tx, { actorId: actor.userId, action: 'purchase.refunded', entityType: 'purchase', entityId: id, summary: { amountCents: locked.amountCents, currency: locked.currency } });
      }
    });
    return { status: 'refunded' as const };
  }
}
