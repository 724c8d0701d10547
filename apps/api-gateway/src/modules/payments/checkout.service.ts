import type Stripe from 'stripe';
import type { Database } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { findProduct, updatePurchase, type ProductRow } from '@coachline/db/payments';
import type { Actor } from '@coachline/domain/actor';
import type { checkoutBody } from '@coachline/domain/api/payments';
import { ConflictError, NotFoundError } from '@coachline/domain/errors';
import type { Logger } from '@coachline/runtime/logger';
import type { LazyInput } from '@coachline/use-cases/lazy-input';
import type { z } from 'zod';
import { seesInactive } from './product.service';
import { emailOf, insertPurchase } from './purchase.repository';
import { findAccount } from './stripe-account.repository';
import { callStripe } from './stripe-errors';
import { requireStripe, type StripeClient } from './stripe.client';

/** Basis points of an amount in minor units, rounded down: integer arithmetic only. */
export const feeOf = (amountCents: number, bps: number) => Math.floor((amountCents * bps) / 10_000);

export class CheckoutService {
  constructor(
    private readonly db: Database,
    private readonly stripe: StripeClient | undefined,
    private readonly logger: Logger,
    private readonly applicationFeeBps: number,
  ) {}

  /**
   * A `pending` purchase first, then a Checkout Session on the tenant's
   * connected account carrying the tenant, buyer, product and purchase ids in
   * its metadata (and in the payment's or subscription's, which later events carry).
   */
  async checkout(actor: Actor, productId: string, input: LazyInput<z.output<typeof checkoutBody>>) {
    const stripe = requireStripe(this.stripe);
    const prepared = await this.db.withTenant(actor, async (tx) => {
      const product = await findProduct(tx, productId);
      if (!product || (!product.active && !seesInactive(actor))) throw new NotFoundError('No such product.');
      const body = input();
      if (!product.active) throw new ConflictError('This product is not on sale.');
      const account = await findAccount(tx);
      if (!account) throw new ConflictError('This organization has not connected a Stripe account yet.');
      const purchase = await insertPurchase(tx, {
        id: newId(),
        productId: product.id,
        userId: actor.userId,
        kind: product.kind,
        status: 'pending',
        amountCents: product.priceCents,
        currency: product.currency,
      });
      return { product, body, accountId: account.accountId, purchase, email: await emailOf(tx, actor.userId) };
    });
    const { product, body, accountId, purchase } = prepared;
    const metadata = { tenantId: actor.tenantId, purchaseId: purchase.id, userId: actor.userId, productId: product.id };
    let session: Stripe.Checkout.Session;
    try {
      session = await callStripe(this.logger, 'start the checkout', () =>
        stripe.checkout.sessions.create(this.sessionParams(product, metadata, body, prepared.email), { stripeAccount: accountId, idempotencyKey: `checkout-${purchase.id}` }),
      );
    } catch (error) {
      await this.db.withTenant(actor, (tx) => updatePurchase(tx, purchase.id, { status: 'failed' }));
      throw error;
    }
    await this.db.withTenant(actor, (tx) => updatePurchase(tx, purchase.id, { checkoutSessionId: session.id }));
    return { purchaseId: purchase.id, checkoutUrl: session.url ?? '' };
  }

  private sessionParams(product: ProductRow, metadata: Record<string, string>, body: z.output<typeof checkoutBody>, email: string | undefined): Stripe.Checkout.SessionCreateParams {
    const fee = this.applicationFeeBps;
    const common = {
      success_url: body.successUrl,
      cancel_url: body.cancelUrl,
      client_reference_id: metadata.purchaseId,
      metadata,
      ...(email ? { customer_email: email } : {}),
    };
    const priceData = { currency: product.currency, unit_amount: product.priceCents, product_data: { name: product.name, metadata: { productId: product.id } } };
    if (product.kind === 'subscription') {
      return {
        ...common,
        mode: 'subscription',
        line_items: [{ quantity: 1, price_data: { ...priceData, recurring: { interval: product.interval ?? 'month' } } }],
        // Stripe takes the subscription's fee as a percentage; basis points / 100 is exact to two decimals.
        subscription_data: { metadata, ...(fee > 0 ? { application_fee_percent: fee / 100 } : {}) },
      };
    }
    return {
      ...common,
      mode: 'payment',
      line_items: [{ quantity: 1, price_data: priceData }],
      payment_intent_data: { metadata, ...(fee > 0 ? { application_fee_amount: feeOf(product.priceCents, fee) } : {}) },
    };
  }
}
