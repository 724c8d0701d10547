import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Tx } from '@coachline/db/database';
import { deviceTokens, notificationPreferences, notifications } from '@coachline/db/schema/index';

/** Newest first. */
export async function listNotifications(tx: Tx, tenantId: string, userId: string, options: { unread: boolean; limit: number; beforeId?: string }) {
  return tx
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.tenantId, tenantId),
        eq(notifications.userId, userId),
        options.unread ? isNull(notifications.readAt) : undefined,
        options.beforeId ? lt(notifications.id, options.beforeId) : undefined,
      ),
    )
    .orderBy(desc(notifications.id))
    .limit(options.limit + 1);
}

/** Marks one of the user's notifications read (keeping the first read time); false when it is not theirs. */
export async function markRead(tx: Tx, tenantId: string, userId: string, id: string): Promise<boolean> {
  const rows = await tx
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
    .where(and(eq(notifications.tenantId, tenantId), eq(notifications.userId, userId), eq(notifications.id, id)))
    .returning({ id: notifications.id });
  return rows.length > 0;
}

export async function markAllRead(tx: Tx, tenantId: string, userId: string): Promise<number> {
  const rows = await tx
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(and(eq(notifications.tenantId, tenantId), eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}

export async function findPreferences(tx: Tx, tenantId: string, userId: string) {
  const [row] = await tx
    .select()
    .from(notificationPreferences)
    .where(and(eq(notificationPreferences.tenantId, tenantId), eq(notificationPreferences.userId, userId)))
    .for('update');
  return row;
}

export async function upsertPreferences(tx: Tx, row: typeof notificationPreferences.$inferInsert) {
  await tx
    .insert(notificationPreferences)
    .values(row)
    .onConflictDoUpdate({ target: [notificationPreferences.tenantId, notificationPreferences.userId], set: { channels: row.channels, updatedAt: new Date() } });
}

export async function upsertDevice(tx: Tx, row: typeof deviceTokens.$inferInsert) {
  const [device] = await tx
    .insert(deviceTokens)
    .values(row)
    .onConflictDoUpdate({ target: [deviceTokens.tenantId, deviceTokens.userId, deviceTokens.address], set: { subscription: row.subscription, platform: row.platform, lastFailureAt: null } })
    .returning();
  return device!;
}
