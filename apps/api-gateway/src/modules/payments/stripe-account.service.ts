import { recordAudit } from '@coachline/db/audit';
import type { Database } from '@coachline/db/database';
import { isUniqueViolation } from '@coachline/db/pg-errors';
import type { Actor } from '@coachline/domain/actor';
import type { linkStripeAccountBody } from '@coachline/domain/api/payments';
import { ConflictError, NotFoundError } from '@coachline/domain/errors';
import type { z } from 'zod';
import type { Logger } from '@coachline/runtime/logger';
import { callStripe } from './stripe-errors';
import { requireStripe, type StripeClient } from './stripe.client';
import * as repo from './stripe-account.repository';

function accountView(row: repo.StripeAccountRow, onboardingUrl?: string) {
  return { accountId: row.accountId, chargesEnabled: row.chargesEnabled, detailsSubmitted: row.detailsSubmitted, ...(onboardingUrl ? { onboardingUrl } : {}) };
}

/** Links the tenant to a Stripe Connect account of its own, so its coaches are paid directly. */
export class StripeAccountService {
  constructor(
    private readonly db: Database,
    private readonly stripe: StripeClient | undefined,
    private readonly appUrl: string,
    private readonly logger: Logger,
  ) {}

  /** Creates the connected account on first call; every call returns a fresh onboarding link. */
  async link(actor: Actor, body: z.output<typeof linkStripeAccountBody>) {
    const stripe = requireStripe(this.stripe);
    let row = await this.db.withTenant(actor, (tx) => repo.findAccount(tx));
    const created = !row;
    if (!row) {
      const account = await callStripe(this.logger, 'create the account', () => stripe.accounts.create({ type: 'express', metadata: { tenantId: actor.tenantId } }, { idempotencyKey: `account-${actor.tenantId}` }));
      try {
        row = await this.db.withTenant(actor, async (tx) => {
          const inserted = await repo.insertAccount(tx, account.id);
          await recordAudit(tx, { actorId: actor.userId, action: 'stripe_account.linked', entityType: 'stripe_account', entityId: inserted.id, summary: { accountId: account.id } });
          return inserted;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError('Another request linked a Stripe account meanwhile; retry.');
        throw error;
      }
    }
    const accountId = row.accountId;
    const link = await callStripe(this.logger, 'start the onboarding', () =>
      stripe.accountLinks.create({
        account: accountId,
        type: 'account_onboarding',
        refresh_url: body.refreshUrl ?? new URL('/settings/payments?refresh=1', this.appUrl).toString(),
        return_url: body.returnUrl ?? new URL('/settings/payments', this.appUrl).toString(),
      }),
    );
    return { created, account: accountView(row, link.url) };
  }

  /** The account as Stripe sees it now (onboarding may have finished since). */
  async status(actor: Actor) {
    const stripe = requireStripe(this.stripe);
    const row = await this.db.withTenant(actor, (tx) => repo.findAccount(tx));
    if (!row) throw new NotFoundError('No Stripe account is linked yet.');
    const accountId = row.accountId;
    const account = await callStripe(this.logger, 'read the account', () => stripe.accounts.retrieve(accountId));
    const updated = await this.db.withTenant(actor, (tx) => repo.updateAccountStatus(tx, { chargesEnabled: account.charges_enabled ?? false, detailsSubmitted: account.details_submitted ?? false }));
    return accountView(updated);
  }
}
