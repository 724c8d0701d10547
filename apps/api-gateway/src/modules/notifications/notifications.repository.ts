import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { NewRow, TenantTx } from '@coachline/db/database';
import { deviceTokens, notificationPreferences, notifications } from '@coachline/db/schema/index';

/** Newest first; the query itself, so that its plan can be examined (the unread ones have their own index). */
export function listNotifications(tx: TenantTx, userId: string, options: { unread: boolean; limit: number; beforeId?: string }) {
  return tx
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.tenantId, tx.scope.tenantId),
        eq(notifications.userId, userId),
        options.unread ? isNull(notifications.readAt) : undefined,
        options.beforeId ? lt(notifications.id, options.beforeId) : undefined,
      ),
    )
    .orderBy(desc(notifications.id))
    .limit(options.limit + 1);
}

/** Marks one of the user's notifications read (keeping the first read time); false when it is not theirs. */
export async function markRead(tx: TenantTx, userId: string, id: string): Promise<boolean> {
  const rows = await tx
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
    .where(and(eq(notifications.tenantId, tx.scope.tenantId), eq(notifications.userId, userId), eq(notifications.id, id)))
    .returning({ id: notifications.id });
  return rows.length > 0;
}

export async function markAllRead(tx: TenantTx, userId: string): Promise<number> {
  const rows = await tx
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(and(eq(notifications.tenantId, tx.scope.tenantId), eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}

export async function findPreferences(tx: TenantTx, userId: string) {
  const [row] = await tx
    .select()
    .from(notificationPreferences)
    .where(and(eq(notificationPreferences.tenantId, tx.scope.tenantId), eq(notificationPreferences.userId, userId)))
    .for('update');
  return row;
}

export async function upsertPreferences(tx: TenantTx, row: NewRow<typeof notificationPreferences>) {
  await tx
    .insert(notificationPreferences)
    .values({ ...row, tenantId: tx.scope.tenantId })
    .onConflictDoUpdate({ target: [notificationPreferences.tenantId, notificationPreferences.userId], set: { channels: row.channels, updatedAt: new Date() } });
}

export async function upsertDevice(tx: TenantTx, row: NewRow<typeof deviceTokens>) {
  const [device] = await tx
    .insert(deviceTokens)
    .values({ ...row, tenantId: tx.scope.tenantId })
    .onConflictDoUpdate({ target: [deviceTokens.tenantId, deviceTokens.userId, deviceTokens.address], set: { subscription: row.subscription, platform: row.platform, lastFailureAt: null } })
    .returning();
  return device!;
}

/** Newest first. */
export async function listDevices(tx: TenantTx, userId: string, options: { limit: number; beforeId?: string }) {
  return tx
    .select()
    .from(deviceTokens)
    .where(and(eq(deviceTokens.tenantId, tx.scope.tenantId), eq(deviceTokens.userId, userId), options.beforeId ? lt(deviceTokens.id, options.beforeId) : undefined))
    .orderBy(desc(deviceTokens.id))
    .limit(options.limit + 1);
}

/** Deletes one of the user's devices; false when it is not theirs. */
export async function deleteDevice(tx: TenantTx, userId: string, id: string): Promise<boolean> {
  const rows = await tx
    .delete(deviceTokens)
    .where(and(eq(deviceTokens.tenantId, tx.scope.tenantId), eq(deviceTokens.userId, userId), eq(deviceTokens.id, id)))
    .returning({ id: deviceTokens.id });
  return rows.length > 0;
}
