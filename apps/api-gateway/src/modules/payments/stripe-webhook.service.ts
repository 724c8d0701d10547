import type Stripe from 'stripe';
import type { Database } from '@coachline/db/database';
import { emit } from '@coachline/db/outbox';
import { InvalidSignatureError } from '@coachline/domain/errors';
import type { Logger } from '@coachline/runtime/logger';
import { requireStripe, type StripeClient } from './stripe.client';
import { tenantOfAccount } from './stripe-account.repository';
import { recordStripeEvent } from './stripe-event.repository';

/** Stripe's own default: a signature older than five minutes is refused, so a captured delivery cannot be replayed later. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * Verifies a webhook against the raw bytes Stripe signed, records the event
 * once by its id in its tenant, and leaves its effects to the billing worker
 * through the outbox: the answer goes back to Stripe at once.
 */
export class StripeWebhookService {
  constructor(
    private readonly db: Database,
    private readonly stripe: StripeClient | undefined,
    private readonly webhookSecret: string | undefined,
    private readonly logger: Logger,
  ) {}

  async receive(raw: Buffer, signature: string | undefined, requestId: string): Promise<{ received: true; duplicate: boolean }> {
    const stripe = requireStripe(this.stripe);
    if (!this.webhookSecret) throw new InvalidSignatureError('No webhook secret is configured.');
    let event: Stripe.Event;
    try {
      event = stripe.webhooks.constructEvent(raw, signature ?? '', this.webhookSecret, SIGNATURE_TOLERANCE_SECONDS);
    } catch {
      throw new InvalidSignatureError('The Stripe-Signature header does not match the body, or is too old.');
    }
    const accountId = event.account;
    // The webhook carries no tenant, only the connected account: the system role finds whose it is across tenants.
    const tenantId = accountId ? await this.db.withSystem((tx) => tenantOfAccount(tx, accountId)) : undefined;
    if (!tenantId) {
      this.logger.warn('stripe event for no linked account ignored', { eventId: event.id, type: event.type, account: accountId ?? null });
      return { received: true, duplicate: false };
    }
    const recorded = await this.db.withTenant({ tenantId, requestId }, async (tx) => {
      const row = await recordStripeEvent(tx, { id: event.id, type: event.type, created: event.created, payload: event as unknown as Record<string, unknown> });
      if (row) await emit(tx, 'stripe.event_received', { stripeEventRowId: row.id, stripeEventId: event.id, stripeType: event.type });
      return row !== undefined;
    });
    return { received: true, duplicate: !recorded };
  }
}
