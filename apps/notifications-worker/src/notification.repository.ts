import { and, eq, inArray, lt } from 'drizzle-orm';
import type { Tx } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import {
  coachingSessions,
  comments,
  deviceTokens,
  mediaAssets,
  memberships,
  messages,
  notificationPreferences,
  notifications,
  posts,
  spaceMembers,
  spaces,
  users,
} from '@coachline/db/schema/index';
import { resolvePreferences, type PreferenceChannels } from '@coachline/domain/api/notifications';

export interface Person {
  userId: string;
  name: string;
  email: string;
}

/** Current members among `userIds` with their name and email (people who left are not notified). */
export async function membersAmong(tx: Tx, tenantId: string, userIds: readonly string[]): Promise<Person[]> {
  if (userIds.length === 0) return [];
  return tx
    .select({ userId: memberships.userId, name: users.name, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, tenantId), inArray(memberships.userId, [...userIds])));
}

export async function preferencesOf(tx: Tx, tenantId: string, userIds: readonly string[]): Promise<Map<string, PreferenceChannels>> {
  const rows = userIds.length
    ? await tx
        .select({ userId: notificationPreferences.userId, channels: notificationPreferences.channels })
        .from(notificationPreferences)
        .where(and(eq(notificationPreferences.tenantId, tenantId), inArray(notificationPreferences.userId, [...userIds])))
    : [];
  const stored = new Map(rows.map((r) => [r.userId, r.channels]));
  return new Map(userIds.map((id) => [id, resolvePreferences(stored.get(id))]));
}

export interface NewNotification {
  userId: string;
  type: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  sourceId: string;
}

/** Inserts the rows not there yet (one per source and user) and returns those it created. */
export async function insertNotifications(tx: Tx, tenantId: string, rows: readonly NewNotification[]) {
  if (rows.length === 0) return [];
  return tx
    .insert(notifications)
    .values(rows.map((r) => ({ tenantId, id: newId(), ...r })))
    .onConflictDoNothing()
    .returning({ id: notifications.id, userId: notifications.userId, type: notifications.type, title: notifications.title, body: notifications.body, data: notifications.data });
}

/** Web Push subscriptions of these users; iOS and Android tokens wait for a provider. */
export async function webDevicesOf(tx: Tx, tenantId: string, userIds: readonly string[]) {
  if (userIds.length === 0) return [];
  return tx
    .select({ id: deviceTokens.id, userId: deviceTokens.userId, subscription: deviceTokens.subscription })
    .from(deviceTokens)
    .where(and(eq(deviceTokens.tenantId, tenantId), inArray(deviceTokens.userId, [...userIds]), eq(deviceTokens.platform, 'web')));
}

export async function deleteDevice(tx: Tx, tenantId: string, deviceId: string) {
  await tx.delete(deviceTokens).where(and(eq(deviceTokens.tenantId, tenantId), eq(deviceTokens.id, deviceId)));
}


export async function findPost(tx: Tx, tenantId: string, postId: string) {
  const [row] = await tx
    .select({ id: posts.id, spaceId: posts.spaceId, authorId: posts.authorId, body: posts.body, spaceName: spaces.name })
    .from(posts)
    .innerJoin(spaces, and(eq(spaces.tenantId, posts.tenantId), eq(spaces.id, posts.spaceId)))
    .where(and(eq(posts.tenantId, tenantId), eq(posts.id, postId)));
  return row;
}

export async function spaceMemberIds(tx: Tx, tenantId: string, spaceId: string): Promise<string[]> {
  const rows = await tx.select({ userId: spaceMembers.userId }).from(spaceMembers).where(and(eq(spaceMembers.tenantId, tenantId), eq(spaceMembers.spaceId, spaceId)));
  return rows.map((r) => r.userId);
}

export async function findComment(tx: Tx, tenantId: string, commentId: string) {
  const [row] = await tx.select().from(comments).where(and(eq(comments.tenantId, tenantId), eq(comments.id, commentId)));
  return row;
}

/** Authors of the post's comments made before `commentId` (UUIDv7 ids sort by time). */
export async function earlierCommenterIds(tx: Tx, tenantId: string, postId: string, commentId: string): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ authorId: comments.authorId })
    .from(comments)
    .where(and(eq(comments.tenantId, tenantId), eq(comments.postId, postId), lt(comments.id, commentId)));
  return rows.map((r) => r.authorId);
}

export async function findMessage(tx: Tx, tenantId: string, messageId: string) {
  const [row] = await tx.select().from(messages).where(and(eq(messages.tenantId, tenantId), eq(messages.id, messageId)));
  return row;
}

export async function findSession(tx: Tx, tenantId: string, sessionId: string) {
  const [row] = await tx.select().from(coachingSessions).where(and(eq(coachingSessions.tenantId, tenantId), eq(coachingSessions.id, sessionId)));
  return row;
}

export async function findMedia(tx: Tx, tenantId: string, mediaId: string) {
  const [row] = await tx
    .select({ id: mediaAssets.id, filename: mediaAssets.filename, kind: mediaAssets.kind })
    .from(mediaAssets)
    .where(and(eq(mediaAssets.tenantId, tenantId), eq(mediaAssets.id, mediaId)));
  return row;
}
