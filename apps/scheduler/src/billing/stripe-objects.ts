import { z } from 'zod';

/**
 * The parts of Stripe's objects the billing worker reads, parsed loosely (Stripe
 * adds fields with every API version). Where API versions moved a field, both
 * places are read: invoices name their subscription under `parent` since 2025.
 */
const metadata = z
  .object({ tenantId: z.string().optional(), purchaseId: z.string().optional(), userId: z.string().optional(), productId: z.string().optional() })
  .loose()
  .nullish()
  .transform((m) => m ?? {});
export type PurchaseMetadata = z.output<typeof metadata>;

const idOf = z
  .union([z.string(), z.object({ id: z.string() }).loose()])
  .nullish()
  .transform((v) => (typeof v === 'string' ? v : (v?.id ?? null)));

export const checkoutSession = z
  .object({
    id: z.string(),
    mode: z.string().optional(),
    payment_status: z.string().optional(),
    amount_total: z.number().int().nullish(),
    currency: z.string().nullish(),
    metadata,
    payment_intent: idOf,
    subscription: idOf,
    customer: idOf,
  })
  .loose();

export const invoice = z
  .object({
    id: z.string(),
    amount_paid: z.number().int().default(0),
    currency: z.string(),
    hosted_invoice_url: z.string().nullish(),
    payment_intent: idOf,
    subscription: idOf,
    subscription_details: z.object({ metadata }).loose().nullish(),
    parent: z
      .object({ subscription_details: z.object({ subscription: idOf, metadata }).loose().nullish() })
      .loose()
      .nullish(),
    lines: z.object({ data: z.array(z.object({ period: z.object({ end: z.number().int() }).loose().nullish() }).loose()) }).loose().nullish(),
  })
  .loose()
  .transform((inv) => ({
    ...inv,
    subscriptionId: inv.parent?.subscription_details?.subscription ?? inv.subscription,
    metadata: { ...inv.subscription_details?.metadata, ...inv.parent?.subscription_details?.metadata },
    periodEnd: Math.max(0, ...(inv.lines?.data ?? []).map((line) => line.period?.end ?? 0)) || null,
  }));

export const subscription = z
  .object({
    id: z.string(),
    status: z.string(),
    metadata,
    current_period_end: z.number().int().nullish(),
    items: z.object({ data: z.array(z.object({ current_period_end: z.number().int().nullish() }).loose()) }).loose().nullish(),
  })
  .loose()
  .transform((sub) => ({ ...sub, periodEnd: sub.items?.data[0]?.current_period_end ?? sub.current_period_end ?? null }));

export const charge = z
  .object({ id: z.string(), amount: z.number().int(), amount_refunded: z.number().int(), payment_intent: idOf, metadata })
  .loose();

/** Stripe's many subscription statuses in our three; undefined for those that grant nothing yet (incomplete, paused). */
export function statusOf(stripeStatus: string): 'active' | 'past_due' | 'canceled' | undefined {
  if (stripeStatus === 'active' || stripeStatus === 'trialing') return 'active';
  if (stripeStatus === 'past_due' || stripeStatus === 'unpaid') return 'past_due';
  if (stripeStatus === 'canceled' || stripeStatus === 'incomplete_expired') return 'canceled';
  return undefined;
}

export const eventObject = z.object({ data: z.object({ object: z.unknown() }) }).loose();

export type CheckoutSession = z.output<typeof checkoutSession>;
export type Invoice = z.output<typeof invoice>;
export type Subscription = z.output<typeof subscription>;
export type Charge = z.output<typeof charge>;
