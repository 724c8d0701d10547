import type { Database } from '@coachline/db/database';
import type { Actor } from '@coachline/domain/actor';
import { NotFoundError } from '@coachline/domain/errors';
import { findMemberRole } from '../scheduling/availability.repository';
import { entitlementsOf } from './entitlement.repository';
import { subjectOf } from './purchase.service';

/** What a member holds through purchases: programs, the credit balance (the ledger's sum), the latest subscription. */
export class EntitlementService {
  constructor(private readonly db: Database) {}

  async get(actor: Actor, requested: string | undefined) {
    const userId = subjectOf(actor, requested) ?? actor.userId;
    return this.db.withTenant(actor, async (tx) => {
      if (userId !== actor.userId && !(await findMemberRole(tx, userId))) throw new NotFoundError('No such member.');
      const row = await entitlementsOf(tx, userId);
      const subscription = row.subscription;
      return {
        userId,
        programIds: row.program_ids ?? [],
        sessionCredits: row.credits,
        subscription: subscription
          ? { productId: subscription.product_id, status: subscription.status, currentPeriodEnd: subscription.current_period_end ? new Date(subscription.current_period_end).toISOString() : null }
          : null,
      };
    });
  }
}
