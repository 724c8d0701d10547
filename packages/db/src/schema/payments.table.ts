import { boolean, foreignKey, index, integer, jsonb, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { membershipRef } from './identity.table';
import { createdAt, tenantTable, ts } from './tenant-table';
import { programs } from './training.table';

/** The tenant's Stripe Connect account: checkouts run on it, so the coach is paid directly. */
export const stripeAccounts = tenantTable(
  'stripe_accounts',
  {
    accountId: text('account_id').notNull(),
    chargesEnabled: boolean('charges_enabled').notNull().default(false),
    detailsSubmitted: boolean('details_submitted').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  // Stripe account ids are global: a webhook names only the account, and finds its tenant by it.
  (t) => [uniqueIndex('stripe_accounts_tenant_key').on(t.tenantId), uniqueIndex('stripe_accounts_account_key').on(t.accountId)],
);

/** What a tenant sells. The price never changes in place: a new price is a new product. */
export const products = tenantTable(
  'products',
  {
    name: text('name').notNull(),
    description: text('description'),
    kind: text('kind', { enum: ['program', 'session_pack', 'subscription'] }).notNull(),
    priceCents: integer('price_cents').notNull(),
    currency: text('currency').notNull(),
    programId: uuid('program_id'),
    sessionCredits: integer('session_credits'),
    interval: text('interval', { enum: ['month', 'year'] }),
    programIds: uuid('program_ids').array().notNull().default(sql`'{}'::uuid[]`),
    active: boolean('active').notNull().default(true),
    createdBy: uuid('created_by').notNull(),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ name: 'products_program_fk', columns: [t.tenantId, t.programId], foreignColumns: [programs.tenantId, programs.id] }),
    index('products_active_idx').on(t.tenantId, t.active, t.id),
  ],
);

/** One checkout by one buyer; `pending` from before the redirect to Stripe until its webhook. */
export const purchases = tenantTable(
  'purchases',
  {
    productId: uuid('product_id').notNull(),
    userId: uuid('user_id').notNull(),
    kind: text('kind', { enum: ['program', 'session_pack', 'subscription'] }).notNull(),
    status: text('status', { enum: ['pending', 'paid', 'failed', 'refunded'] }).notNull(),
    amountCents: integer('amount_cents').notNull(),
    currency: text('currency').notNull(),
    checkoutSessionId: text('checkout_session_id'),
    paymentIntentId: text('payment_intent_id'),
    stripeSubscriptionId: text('stripe_subscription_id'),
    stripeCustomerId: text('stripe_customer_id'),
    paidAt: ts('paid_at'),
    refundedAt: ts('refunded_at'),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ name: 'purchases_product_fk', columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    membershipRef(t, t.userId, 'purchases_user_fk'),
    index('purchases_user_idx').on(t.tenantId, t.userId, t.createdAt),
    uniqueIndex('purchases_checkout_key').on(t.tenantId, t.checkoutSessionId),
  ],
);

/** A subscription purchase's life at Stripe; its programs stay assigned while it is active or past due. */
export const subscriptions = tenantTable(
  'subscriptions',
  {
    purchaseId: uuid('purchase_id').notNull(),
    productId: uuid('product_id').notNull(),
    userId: uuid('user_id').notNull(),
    stripeSubscriptionId: text('stripe_subscription_id').notNull(),
    status: text('status', { enum: ['active', 'past_due', 'canceled'] }).notNull(),
    currentPeriodEnd: ts('current_period_end'),
    /** Creation time of the newest Stripe event applied: an older one arriving late changes nothing. */
    lastEventAt: ts('last_event_at').notNull(),
    /** Stripe's hosted page where the buyer pays the open invoice with another card (while past due). */
    paymentUpdateUrl: text('payment_update_url'),
    pastDueSince: ts('past_due_since'),
    dunningReminders: integer('dunning_reminders').notNull().default(0),
    lastRemindedAt: ts('last_reminded_at'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ name: 'subscriptions_purchase_fk', columns: [t.tenantId, t.purchaseId], foreignColumns: [purchases.tenantId, purchases.id] }),
    membershipRef(t, t.userId, 'subscriptions_user_fk'),
    uniqueIndex('subscriptions_stripe_key').on(t.tenantId, t.stripeSubscriptionId),
    index('subscriptions_user_idx').on(t.tenantId, t.userId),
    index('subscriptions_past_due_idx').on(t.status, t.lastRemindedAt),
  ],
);

/**
 * Session credits as a ledger: every grant (+) and spend (-) with its reason,
 * so a balance (the sum) can always be explained. One entry per purchase and
 * reason, and per session and reason, so a replayed effect adds nothing.
 */
export const creditLedger = tenantTable(
  'credit_ledger',
  {
    userId: uuid('user_id').notNull(),
    delta: integer('delta').notNull(),
    reason: text('reason', { enum: ['purchase', 'refund', 'booking', 'booking_returned'] }).notNull(),
    purchaseId: uuid('purchase_id'),
    sessionId: uuid('session_id'),
    createdAt: createdAt(),
  },
  (t) => [
    membershipRef(t, t.userId, 'credit_ledger_user_fk'),
    index('credit_ledger_user_idx').on(t.tenantId, t.userId),
    uniqueIndex('credit_ledger_purchase_key').on(t.tenantId, t.purchaseId, t.reason).where(sql`purchase_id IS NOT NULL`),
    uniqueIndex('credit_ledger_session_key').on(t.tenantId, t.sessionId, t.reason).where(sql`session_id IS NOT NULL`),
  ],
);

/** Each Stripe event once, by its id, with the body the billing worker applies. */
export const stripeEvents = tenantTable(
  'stripe_events',
  {
    stripeEventId: text('stripe_event_id').notNull(),
    type: text('type').notNull(),
    /** Stripe's `created`: orders events that arrive out of order. */
    eventCreatedAt: ts('event_created_at').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    receivedAt: ts('received_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('stripe_events_event_key').on(t.tenantId, t.stripeEventId)],
);
