import { creditBalance, lockCredits, recordCredit, sessionEntry } from '@coachline/db/credit-ledger';
import type { TenantTx } from '@coachline/db/database';
import { PaymentRequiredError } from '@coachline/domain/errors';

/** Spends one of the athlete's credits on a session being booked in `tx`; 402 when none is left. */
export async function spendCredit(tx: TenantTx, athleteId: string, sessionId: string): Promise<void> {
  await lockCredits(tx, athleteId);
  if ((await creditBalance(tx, athleteId)) < 1) throw new PaymentRequiredError('Booking this coach takes a session credit, and none is left. Buy a session pack first.');
  await recordCredit(tx, { userId: athleteId, delta: -1, reason: 'booking', sessionId });
}

/** Gives back the credit a session's booking spent, if it spent one. */
export async function returnCredit(tx: TenantTx, athleteId: string, sessionId: string): Promise<void> {
  await lockCredits(tx, athleteId);
  if (await sessionEntry(tx, sessionId, 'booking')) await recordCredit(tx, { userId: athleteId, delta: 1, reason: 'booking_returned', sessionId });
}
