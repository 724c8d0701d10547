import type { Database, TenantTx } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { emit } from '@coachline/db/outbox';
import { insertSubscription, lockPurchase, lockSubscriptionByStripeId, updatePurchase, updateSubscription, type PurchaseRow, type SubscriptionRow } from '@coachline/db/payments';
import { processOnce } from '@coachline/db/processed-events';
import { scopeOf, type EventOf } from '@coachline/domain/events';
import type { Logger } from '@coachline/runtime/logger';
import { grantPurchase, productOf, refundPurchase, syncSubscriptionPrograms } from '@coachline/use-cases/billing/purchase-entitlements';
import { findStripeEvent, purchaseIdByPaymentIntent } from './billing.repository';
import * as stripe from './stripe-objects';

/** The consumer name in processed_events: the queue's, as the relay's reconciler expects. */
export const CONSUMER = 'billing';

type Outcome = string;
type Status = SubscriptionRow['status'];
const at = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000) : null);

/**
 * Applies recorded Stripe events to purchases, subscriptions and entitlements.
 * Each runs once (processOnce), and each effect is safe against events that
 * arrive late or twice: a purchase's status only moves forward (pending ->
 * paid -> refunded), a subscription takes a status only from an event newer
 * than the last it took one from, and `canceled` is final.
 */
export class BillingService {
  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
  ) {}

  async apply(event: EventOf<'stripe.event_received'>): Promise<Outcome> {
    const result = await this.db.withTenant(scopeOf(event), (tx) =>
      processOnce(tx, event.id, CONSUMER, async () => {
        const row = await findStripeEvent(tx, event.payload.stripeEventRowId);
        if (!row) return 'missing';
        const object = stripe.eventObject.parse(row.payload).data.object;
        return this.dispatch(tx, row.type, object, row.eventCreatedAt);
      }),
    );
    const outcome = result.done ? result.value : 'duplicate';
    this.logger.info('stripe event applied', { stripeEventId: event.payload.stripeEventId, type: event.payload.stripeType, outcome });
    return outcome;
  }

  private async dispatch(tx: TenantTx, type: string, object: unknown, eventAt: Date): Promise<Outcome> {
    switch (type) {
      case 'checkout.session.completed':
        return this.checkoutCompleted(tx, stripe.checkoutSession.parse(object));
      case 'invoice.paid':
        return this.invoicePaid(tx, stripe.invoice.parse(object), eventAt);
      case 'invoice.payment_failed':
        return this.invoiceFailed(tx, stripe.invoice.parse(object), eventAt);
      case 'customer.subscription.created':
      case 'customer.subscription.updated':
      case 'customer.subscription.deleted': {
        const sub = stripe.subscription.parse(object);
        const status = type === 'customer.subscription.deleted' ? 'canceled' : stripe.statusOf(sub.status);
        return this.subscriptionChanged(tx, sub, status, eventAt);
      }
      case 'charge.refunded':
        return this.chargeRefunded(tx, stripe.charge.parse(object));
      default:
        return 'ignored';
    }
  }

  /** The purchase an event's metadata names, locked; only one of this tenant (metadata could name another). */
  private async purchaseOf(tx: TenantTx, metadata: stripe.PurchaseMetadata): Promise<PurchaseRow | undefined> {
    if (metadata.tenantId && metadata.tenantId !== tx.scope.tenantId) return undefined;
    return metadata.purchaseId && /^[0-9a-f-]{36}$/i.test(metadata.purchaseId) ? lockPurchase(tx, metadata.purchaseId) : undefined;
  }

  /** pending (or failed) -> paid; grants what the product grants and announces the payment. Later calls only announce renewals. */
  private async markPaid(tx: TenantTx, purchase: PurchaseRow, payment: { reference: string; amountCents: number; currency: string; paymentIntentId?: string | null }, announce: boolean) {
    if (purchase.status === 'refunded') return 'refunded already';
    const first = purchase.status !== 'paid';
    const changes = {
      ...(first ? { status: 'paid' as const, paidAt: new Date(), amountCents: payment.amountCents, currency: payment.currency } : {}),
      ...(payment.paymentIntentId ? { paymentIntentId: payment.paymentIntentId } : {}),
    };
    const updated = Object.keys(changes).length > 0 ? await updatePurchase(tx, purchase.id, changes) : purchase;
    if (first) await grantPurchase(tx, updated, await productOf(tx, updated));
    if (announce) {
      await emit(tx, 'purchase.paid', { purchaseId: purchase.id, userId: purchase.userId, productId: purchase.productId, amountCents: payment.amountCents, currency: payment.currency, reference: payment.reference });
    }
    return first ? 'paid' : 'renewed';
  }

  private async checkoutCompleted(tx: TenantTx, session: stripe.CheckoutSession): Promise<Outcome> {
    const purchase = await this.purchaseOf(tx, session.metadata);
    if (!purchase) return 'no purchase';
    if (session.payment_status !== 'paid' && session.payment_status !== 'no_payment_required') return 'not paid yet';
    await updatePurchase(tx, purchase.id, {
      checkoutSessionId: session.id,
      stripeCustomerId: session.customer ?? purchase.stripeCustomerId,
      stripeSubscriptionId: session.subscription ?? purchase.stripeSubscriptionId,
    });
    const payment = { reference: session.id, amountCents: session.amount_total ?? purchase.amountCents, currency: session.currency ?? purchase.currency, paymentIntentId: session.payment_intent };
    if (purchase.kind !== 'subscription') return this.markPaid(tx, purchase, payment, true);
    // A subscription's payments are its invoices: invoice.paid announces each one, this only records the purchase as paid.
    if (!session.subscription) return 'no subscription';
    const outcome = await this.markPaid(tx, purchase, payment, false);
    await this.subscriptionFor(tx, session.subscription, purchase);
    return outcome;
  }

  /** The subscription row, created from its purchase on the first event that names it, whichever that is. */
  private async subscriptionFor(tx: TenantTx, stripeSubscriptionId: string, purchase: PurchaseRow | undefined): Promise<SubscriptionRow | undefined> {
    const found = await lockSubscriptionByStripeId(tx, stripeSubscriptionId);
    if (found || !purchase || purchase.kind !== 'subscription' || purchase.status === 'refunded') return found;
    if (purchase.stripeSubscriptionId !== stripeSubscriptionId) await updatePurchase(tx, purchase.id, { stripeSubscriptionId });
    const row = await insertSubscription(tx, {
      id: newId(),
      purchaseId: purchase.id,
      productId: purchase.productId,
      userId: purchase.userId,
      stripeSubscriptionId,
      status: 'active',
      lastEventAt: new Date(0),
    });
    await syncSubscriptionPrograms(tx, row, await productOf(tx, purchase));
    return row;
  }

  /**
   * Moves a subscription to `status` if the event is not older than the last
   * one that set its status, and `canceled` is never left. Announces a change
   * and keeps the programs in step with it.
   */
  private async setStatus(tx: TenantTx, sub: SubscriptionRow, status: Status | undefined, eventAt: Date, extra: { periodEnd?: Date | null; paymentUpdateUrl?: string | null }): Promise<Outcome> {
    const periodEnd = extra.periodEnd && (!sub.currentPeriodEnd || extra.periodEnd > sub.currentPeriodEnd) ? extra.periodEnd : undefined;
    const stale = sub.status === 'canceled' || eventAt < sub.lastEventAt || status === undefined;
    if (stale) {
      if (periodEnd && sub.status !== 'canceled') await updateSubscription(tx, sub.id, { currentPeriodEnd: periodEnd });
      return 'stale';
    }
    const changed = status !== sub.status;
    const updated = await updateSubscription(tx, sub.id, {
      status,
      lastEventAt: eventAt,
      ...(periodEnd ? { currentPeriodEnd: periodEnd } : {}),
      ...(status === 'past_due' ? { paymentUpdateUrl: extra.paymentUpdateUrl ?? sub.paymentUpdateUrl, ...(changed ? { pastDueSince: new Date(), dunningReminders: 0, lastRemindedAt: null } : {}) } : { paymentUpdateUrl: null, pastDueSince: null }),
    });
    if (!changed) return 'unchanged';
    const purchase = (await lockPurchase(tx, sub.purchaseId))!;
    await syncSubscriptionPrograms(tx, updated, await productOf(tx, purchase));
    await emit(tx, 'subscription.updated', { subscriptionId: sub.id, purchaseId: sub.purchaseId, userId: sub.userId, productId: sub.productId, status, previousStatus: sub.status });
    return status;
  }

  private async invoicePaid(tx: TenantTx, inv: stripe.Invoice, eventAt: Date): Promise<Outcome> {
    if (!inv.subscriptionId) return 'not a subscription invoice';
    const sub = await this.subscriptionFor(tx, inv.subscriptionId, await this.purchaseOf(tx, inv.metadata));
    if (!sub) return 'no subscription';
    const purchase = (await lockPurchase(tx, sub.purchaseId))!;
    if (purchase.status === 'refunded') return 'refunded already';
    const outcome = await this.markPaid(tx, purchase, { reference: inv.id, amountCents: inv.amount_paid, currency: inv.currency, paymentIntentId: inv.payment_intent }, true);
    await this.setStatus(tx, sub, 'active', eventAt, { periodEnd: at(inv.periodEnd) });
    return outcome;
  }

  private async invoiceFailed(tx: TenantTx, inv: stripe.Invoice, eventAt: Date): Promise<Outcome> {
    if (!inv.subscriptionId) return 'not a subscription invoice';
    const sub = await this.subscriptionFor(tx, inv.subscriptionId, await this.purchaseOf(tx, inv.metadata));
    if (!sub) return 'no subscription';
    return this.setStatus(tx, sub, 'past_due', eventAt, { paymentUpdateUrl: inv.hosted_invoice_url ?? null });
  }

  private async subscriptionChanged(tx: TenantTx, object: stripe.Subscription, status: Status | undefined, eventAt: Date): Promise<Outcome> {
    const sub = await this.subscriptionFor(tx, object.id, await this.purchaseOf(tx, object.metadata));
    if (!sub) return 'no subscription';
    return this.setStatus(tx, sub, status, eventAt, { periodEnd: at(object.periodEnd) });
  }

  /** A full refund, however it was made (here, or in Stripe's dashboard), takes back what the purchase granted; partial refunds change nothing. */
  private async chargeRefunded(tx: TenantTx, ch: stripe.Charge): Promise<Outcome> {
    if (ch.amount_refunded < ch.amount) return 'partial refund';
    const purchaseId = (await this.purchaseOf(tx, ch.metadata))?.id ?? (ch.payment_intent ? await purchaseIdByPaymentIntent(tx, ch.payment_intent) : undefined);
    const purchase = purchaseId ? await lockPurchase(tx, purchaseId) : undefined;
    if (!purchase) return 'no purchase';
    return (await refundPurchase(tx, purchase)) ? 'refunded' : 'refunded already';
  }
}
