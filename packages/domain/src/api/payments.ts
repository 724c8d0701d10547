import { z } from 'zod';
import { nameString, pageQuery, plainText, uuid } from './common';

export const PRODUCT_KINDS = ['program', 'session_pack', 'subscription'] as const;
export type ProductKind = (typeof PRODUCT_KINDS)[number];
export const PURCHASE_STATUSES = ['pending', 'paid', 'failed', 'refunded'] as const;
export type PurchaseStatus = (typeof PURCHASE_STATUSES)[number];
export const SUBSCRIPTION_STATUSES = ['active', 'past_due', 'canceled'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
export const BILLING_INTERVALS = ['month', 'year'] as const;

/** An ISO 4217 code, lower case as Stripe writes it ("usd", "eur"). */
export const currencyCode = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'Expected a three-letter ISO 4217 currency code')
  .transform((code) => code.toLowerCase());

/** Money is always integer minor units (cents) of a currency; never a float. */
export const priceCents = z.number().int().min(50).max(10_000_000);

/** The fields that belong to one kind of product only: required for it, refused (422) on the others. */
const KIND_FIELDS: Record<ProductKind, { required: string[]; allowed: string[] }> = {
  program: { required: ['programId'], allowed: ['programId'] },
  session_pack: { required: ['sessionCredits'], allowed: ['sessionCredits'] },
  subscription: { required: ['interval'], allowed: ['interval', 'programIds'] },
};
const KIND_SPECIFIC = ['programId', 'sessionCredits', 'interval', 'programIds'] as const;

export const createProductBody = z
  .strictObject({
    name: nameString,
    description: plainText.trim().max(10_000).optional(),
    kind: z.enum(PRODUCT_KINDS),
    priceCents,
    currency: currencyCode,
    programId: uuid.optional(),
    sessionCredits: z.number().int().min(1).max(100).optional(),
    interval: z.enum(BILLING_INTERVALS).optional(),
    programIds: z.array(uuid).max(20).optional(),
  })
  .superRefine((body, ctx) => {
    const rule = KIND_FIELDS[body.kind];
    for (const field of KIND_SPECIFIC) {
      const present = body[field] !== undefined;
      if (!present && rule.required.includes(field)) ctx.addIssue({ code: 'custom', path: [field], message: `required for a ${body.kind} product` });
      if (present && !rule.allowed.includes(field)) ctx.addIssue({ code: 'custom', path: [field], message: `not allowed on a ${body.kind} product` });
    }
  })
  .meta({ id: 'CreateProductRequest' });
export type CreateProductBody = z.output<typeof createProductBody>;

/** Prices never change in place: a new price is a new product, and the old one is deactivated. */
export const updateProductBody = z
  .strictObject({
    name: nameString.optional(),
    description: plainText.trim().max(10_000).nullable().optional(),
    active: z.boolean().optional(),
  })
  .meta({ id: 'UpdateProductRequest' });

export const productSchema = z
  .object({
    id: uuid,
    name: z.string(),
    description: z.string().nullable(),
    kind: z.enum(PRODUCT_KINDS),
    priceCents: z.number().int(),
    currency: z.string(),
    active: z.boolean(),
    programId: uuid.nullable(),
    sessionCredits: z.number().int().nullable(),
    interval: z.enum(BILLING_INTERVALS).nullable(),
    programIds: z.array(uuid),
    createdAt: z.string(),
  })
  .meta({ id: 'Product' });

export const listProductsQuery = pageQuery.extend({ kind: z.enum(PRODUCT_KINDS).optional() });

const returnUrl = z.url({ protocol: /^https?$/ }).max(2048);

export const checkoutBody = z.strictObject({ successUrl: returnUrl, cancelUrl: returnUrl }).meta({ id: 'CheckoutRequest' });
export const checkoutSchema = z.object({ purchaseId: uuid, checkoutUrl: z.string() }).meta({ id: 'Checkout' });

export const purchaseSchema = z
  .object({
    id: uuid,
    productId: uuid,
    userId: uuid,
    kind: z.enum(PRODUCT_KINDS),
    status: z.enum(PURCHASE_STATUSES),
    amountCents: z.number().int(),
    currency: z.string(),
    createdAt: z.string(),
    paidAt: z.string().nullable(),
    refundedAt: z.string().nullable(),
  })
  .meta({ id: 'Purchase' });

export const listPurchasesQuery = pageQuery.extend({ userId: uuid.optional(), status: z.enum(PURCHASE_STATUSES).optional() });
export const refundSchema = z.object({ status: z.literal('refunded') }).meta({ id: 'Refund' });

export const entitlementsQuery = z.object({ userId: uuid.optional() });
export const entitlementsSchema = z
  .object({
    userId: uuid,
    programIds: z.array(uuid),
    sessionCredits: z.number().int().min(0),
    subscription: z
      .object({ productId: uuid, status: z.enum(SUBSCRIPTION_STATUSES), currentPeriodEnd: z.string().nullable() })
      .nullable(),
  })
  .meta({ id: 'Entitlements' });

export const CREDIT_REASONS = ['purchase', 'refund', 'booking', 'booking_returned'] as const;
export type CreditReason = (typeof CREDIT_REASONS)[number];

export const linkStripeAccountBody = z
  .strictObject({ refreshUrl: returnUrl.optional(), returnUrl: returnUrl.optional() })
  .meta({ id: 'LinkStripeAccountRequest' });
export const stripeAccountSchema = z
  .object({
    accountId: z.string(),
    chargesEnabled: z.boolean(),
    detailsSubmitted: z.boolean(),
    onboardingUrl: z.string().optional(),
  })
  .meta({ id: 'StripeAccount' });
