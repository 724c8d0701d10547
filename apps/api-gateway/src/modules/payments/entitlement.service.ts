import { creditBalance } from '@coachline/db/credit-ledger';
import type { Database } from '@coachline/db/database';
import { latestSubscriptionOf } from '@coachline/db/payments';
import { purchasedProgramIds } from '@coachline/db/program-assignments';
import type { Actor } from '@coachline/domain/actor';
import { findMemberRole } from '../scheduling/availability.repository';
import { NotFoundError } from '@coachline/domain/errors';
import { subjectOf } from './purchase.service';

/** What a member holds through purchases: programs, the credit balance (the ledger's sum), the latest subscription. */
export class EntitlementService {
  constructor(private readonly db: Database) {}

  async get(actor: Actor, requested: string | undefined) {
    const userId = subjectOf(actor, requested) ?? actor.userId;
    return this.db.withTenant(actor, async (tx) => {
      if (userId !== actor.userId && !(await findMemberRole(tx, userId))) throw new NotFoundError('No such member.');
      const [programIds, sessionCredits, subscription] = [await purchasedProgramIds(tx, userId), await creditBalance(tx, userId), await latestSubscriptionOf(tx, userId)];
      return {
        userId,
        programIds,
        sessionCredits,
        subscription: subscription ? { productId: subscription.productId, status: subscription.status, currentPeriodEnd: subscription.currentPeriodEnd?.toISOString() ?? null } : null,
      };
    });
  }
}
