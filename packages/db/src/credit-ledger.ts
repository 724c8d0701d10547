import { and, eq, sql } from 'drizzle-orm';
import type { CreditReason } from '@coachline/domain/api/payments';
import type { TenantTx } from './database';
import { newId } from './ids';
import { creditLedger } from './schema/index';

/**
 * Serialises every change of one member's credits until the transaction ends:
 * two bookings racing for the last credit read the balance one after the
 * other, so the second sees it spent. Any ledger write takes this lock first.
 */
export async function lockCredits(tx: TenantTx, userId: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`credits:${tx.scope.tenantId}:${userId}`}, 0))`);
}

/** The member's balance: the sum of the ledger, never stored apart from it. */
export async function creditBalance(tx: TenantTx, userId: string): Promise<number> {
  const [row] = await tx
    .select({ balance: sql<number>`coalesce(sum(${creditLedger.delta}), 0)::int` })
    .from(creditLedger)
    .where(and(eq(creditLedger.tenantId, tx.scope.tenantId), eq(creditLedger.userId, userId)));
  return row?.balance ?? 0;
}

export interface CreditEntry {
  userId: string;
  delta: number;
  reason: CreditReason;
  purchaseId?: string;
  sessionId?: string;
}

/** Writes an entry unless one of the same reason exists for its purchase or session; true when written. Hold lockCredits. */
export async function recordCredit(tx: TenantTx, entry: CreditEntry): Promise<boolean> {
  const inserted = await tx
    .insert(creditLedger)
    .values({ tenantId: tx.scope.tenantId, id: newId(), userId: entry.userId, delta: entry.delta, reason: entry.reason, purchaseId: entry.purchaseId ?? null, sessionId: entry.sessionId ?? null })
    .onConflictDoNothing()
    .returning({ id: creditLedger.id });
  return inserted.length > 0;
}

/** The entry of one reason for a session, if any (did this booking spend a credit?). */
export async function sessionEntry(tx: TenantTx, sessionId: string, reason: CreditReason) {
  const [row] = await tx
    .select()
    .from(creditLedger)
    .where(and(eq(creditLedger.tenantId, tx.scope.tenantId), eq(creditLedger.sessionId, sessionId), eq(creditLedger.reason, reason)));
  return row;
}

/** The entry of one reason for a purchase, if any. */
export async function purchaseEntry(tx: TenantTx, purchaseId: string, reason: CreditReason) {
  const [row] = await tx
    .select()
    .from(creditLedger)
    .where(and(eq(creditLedger.tenantId, tx.scope.tenantId), eq(creditLedger.purchaseId, purchaseId), eq(creditLedger.reason, reason)));
  return row;
}
