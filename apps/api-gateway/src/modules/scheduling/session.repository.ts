import { and, asc, eq, gt, lt, or, sql } from 'drizzle-orm';
import type { NewRow, TenantTx } from '@coachline/db/database';
import { coachingSessions } from '@coachline/db/schema/index';

export type SessionRow = typeof coachingSessions.$inferSelect;

export async function findSession(tx: TenantTx, id: string) {
  const [row] = await tx
    .select()
    .from(coachingSessions)
    .where(and(eq(coachingSessions.tenantId, tx.scope.tenantId), eq(coachingSessions.id, id)));
  return row;
}

export async function findSessionForUpdate(tx: TenantTx, id: string) {
  const [row] = await tx
    .select()
    .from(coachingSessions)
    .where(and(eq(coachingSessions.tenantId, tx.scope.tenantId), eq(coachingSessions.id, id)))
    .for('update');
  return row;
}

/** The coach's scheduled sessions overlapping [from, to): they block slots. */
export async function busySpans(tx: TenantTx, coachId: string, from: Date, to: Date) {
  return tx
    .select({ startsAt: coachingSessions.startsAt, endsAt: coachingSessions.endsAt })
    .from(coachingSessions)
    .where(
      and(
        eq(coachingSessions.tenantId, tx.scope.tenantId),
        eq(coachingSessions.coachId, coachId),
        eq(coachingSessions.status, 'scheduled'),
        lt(coachingSessions.startsAt, to),
        gt(coachingSessions.endsAt, from),
      ),
    );
}

export async function insertSession(tx: TenantTx, row: NewRow<typeof coachingSessions>) {
  const [inserted] = await tx.insert(coachingSessions).values({ ...row, tenantId: tx.scope.tenantId }).returning();
  if (!inserted) throw new Error('session insert returned nothing');
  return inserted;
}

export async function markCancelled(tx: TenantTx, id: string, values: { cancelledAt: Date; cancelledBy: string; cancelReason: string | null; late: boolean }) {
  const [row] = await tx
    .update(coachingSessions)
    .set({ status: 'cancelled', cancelledAt: values.cancelledAt, cancelledBy: values.cancelledBy, cancelReason: values.cancelReason, lateCancellation: values.late })
    .where(and(eq(coachingSessions.tenantId, tx.scope.tenantId), eq(coachingSessions.id, id), eq(coachingSessions.status, 'scheduled')))
    .returning();
  return row;
}

export interface SessionFilter {
  from?: Date;
  to?: Date;
  coachId?: string;
  athleteId?: string;
  status?: SessionRow['status'];
  /** Sessions where this user is the coach or the athlete. */
  participantId?: string;
}

/** Ordered by start, then id; `after` is the keyset of the previous page's last row. */
export async function listSessions(tx: TenantTx, filter: SessionFilter, limit: number, after?: { at: Date; id: string }) {
  const s = coachingSessions;
  return tx
    .select()
    .from(s)
    .where(
      and(
        eq(s.tenantId, tx.scope.tenantId),
        filter.from ? gt(s.endsAt, filter.from) : undefined,
        filter.to ? lt(s.startsAt, filter.to) : undefined,
        filter.coachId ? eq(s.coachId, filter.coachId) : undefined,
        filter.athleteId ? eq(s.athleteId, filter.athleteId) : undefined,
        filter.status ? eq(s.status, filter.status) : undefined,
        filter.participantId ? or(eq(s.coachId, filter.participantId), eq(s.athleteId, filter.participantId)) : undefined,
        after ? sql`(${s.startsAt}, ${s.id}) > (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
      ),
    )
    .orderBy(asc(s.startsAt), asc(s.id))
    .limit(limit + 1);
}
