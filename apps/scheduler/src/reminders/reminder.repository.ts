import { and, asc, eq, sql } from 'drizzle-orm';
import type { SystemTx, TenantTx } from '@coachline/db/database';
import { coachingSessions } from '@coachline/db/schema/index';

export interface ScheduledSession {
  tenantId: string;
  sessionId: string;
  startsAt: Date;
}

/** The session if it is still scheduled: the database, not the event, is the truth. */
export async function findScheduledSession(tx: TenantTx, sessionId: string): Promise<ScheduledSession | undefined> {
  const [row] = await tx
    .select({ tenantId: coachingSessions.tenantId, sessionId: coachingSessions.id, startsAt: coachingSessions.startsAt })
    .from(coachingSessions)
    .where(and(eq(coachingSessions.tenantId, tx.scope.tenantId), eq(coachingSessions.id, sessionId), eq(coachingSessions.status, 'scheduled')));
  return row;
}

/** One page of every tenant's scheduled sessions starting after `after`. */
export async function upcomingSessionsPage(systemTx: SystemTx, after: { startsAt: Date; tenantId: string; sessionId: string }, limit: number): Promise<ScheduledSession[]> {
  const s = coachingSessions;
  return systemTx
    .select({ tenantId: s.tenantId, sessionId: s.id, startsAt: s.startsAt })
    .from(s)
    .where(and(eq(s.status, 'scheduled'), sql`(${s.startsAt}, ${s.tenantId}, ${s.id}) > (${after.startsAt.toISOString()}::timestamptz, ${after.tenantId}::uuid, ${after.sessionId}::uuid)`))
    .orderBy(asc(s.startsAt), asc(s.tenantId), asc(s.id))
    .limit(limit);
}
