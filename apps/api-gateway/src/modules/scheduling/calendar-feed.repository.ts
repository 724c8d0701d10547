import { and, asc, eq, gt, inArray, lt, or } from 'drizzle-orm';
import type { TenantTx } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { calendarFeeds, coachingSessions, users } from '@coachline/db/schema/index';

/** One feed per user: issuing again replaces the token, so the old address stops working. */
export async function upsertFeed(tx: TenantTx, userId: string, tokenHash: string) {
  const now = new Date();
  const [row] = await tx
    .insert(calendarFeeds)
    .values({ tenantId: tx.scope.tenantId, id: newId(), userId, tokenHash, createdAt: now })
    .onConflictDoUpdate({ target: [calendarFeeds.tenantId, calendarFeeds.userId], set: { tokenHash, createdAt: now } })
    .returning();
  if (!row) throw new Error('calendar feed upsert returned nothing');
  return row;
}

export async function deleteFeed(tx: TenantTx, userId: string) {
  return tx
    .delete(calendarFeeds)
    .where(and(eq(calendarFeeds.tenantId, tx.scope.tenantId), eq(calendarFeeds.userId, userId)))
    .returning({ id: calendarFeeds.id });
}

export async function findFeedByHash(tx: TenantTx, tokenHash: string) {
  const [row] = await tx
    .select()
    .from(calendarFeeds)
    .where(and(eq(calendarFeeds.tenantId, tx.scope.tenantId), eq(calendarFeeds.tokenHash, tokenHash)));
  return row;
}

/** The user's sessions, as coach or athlete, overlapping [from, to); capped for huge calendars. */
export async function sessionsOf(tx: TenantTx, userId: string, from: Date, to: Date) {
  const s = coachingSessions;
  return tx
    .select()
    .from(s)
    .where(and(eq(s.tenantId, tx.scope.tenantId), or(eq(s.coachId, userId), eq(s.athleteId, userId)), gt(s.endsAt, from), lt(s.startsAt, to), inArray(s.status, ['scheduled', 'cancelled'])))
    .orderBy(asc(s.startsAt))
    .limit(2000);
}

export async function namesOf(tx: TenantTx, ids: string[]) {
  if (ids.length === 0) return new Map<string, string>();
  const rows = await tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}
