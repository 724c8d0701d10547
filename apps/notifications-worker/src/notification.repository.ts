import { and, eq, inArray, lt } from 'drizzle-orm';
import type { Tx, TenantTx } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { currentMember } from '@coachline/db/memberships';
import { processedKeys, RECORD_PROCESSED } from '@coachline/db/processed-events';
import {
  coachingSessions,
  comments,
  deviceTokens,
  mediaAssets,
  memberships,
  messages,
  notifications,
  posts,
  spaces,
  tenants,
  users,
} from '@coachline/db/schema/index';
import { resolvePreferences, type PreferenceChannels } from '@coachline/domain/api/notifications';

interface PgClient {
  query<R>(text: string, values: unknown[]): Promise<{ rows: R[] }>;
  /** Named: prepared once per connection, for statements that run for every batch. */
  query<R>(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: R[] }>;
}
/** The transaction's pg client, for the hot queries below that pass arrays as single parameters. */
const pgOf = (tx: Tx) => (tx as unknown as { $client: PgClient }).$client;

export interface Audience extends Person {
  preferences: PreferenceChannels;
  webDevices: { id: string; subscription: Record<string, unknown> }[];
}

/**
 * Current members among `userIds` (people who left are not notified) with
 * their preferences and Web Push subscriptions, in one round trip: this runs
 * for every event.
 */
export async function audienceOf(tx: TenantTx, userIds: readonly string[]): Promise<Audience[]> {
  if (userIds.length === 0) return [];
  const result = await pgOf(tx).query<{ user_id: string; name: string; email: string; channels: Record<string, Record<string, boolean>> | null; devices: Audience['webDevices'] }>({
    name: 'coachline_notification_audience',
    text: `SELECT m.user_id, u.name, u.email, np.channels,
            coalesce((SELECT json_agg(json_build_object('id', d.id, 'subscription', d.subscription))
                      FROM device_tokens d
                      WHERE d.tenant_id = m.tenant_id AND d.user_id = m.user_id AND d.platform = 'web'), '[]'::json) AS devices
     FROM memberships m
     JOIN users u ON u.id = m.user_id
     LEFT JOIN notification_preferences np ON np.tenant_id = m.tenant_id AND np.user_id = m.user_id
     WHERE m.tenant_id = $1 AND m.user_id = ANY($2::uuid[]) AND m.removed_at IS NULL`,
    values: [tx.scope.tenantId, [...new Set(userIds)]],
  });
  return result.rows.map((r) => ({ userId: r.user_id, name: r.name, email: r.email, preferences: resolvePreferences(r.channels ?? undefined), webDevices: r.devices }));
}

/** A post with its space's name, its author's name and the space's member ids. */
export interface PostContext {
  body: string;
  space_id: string;
  author_id: string;
  space_name: string;
  author_name: string | null;
  member_ids: string[] | null;
}

/** postContext for several posts in one round trip, keyed by post id. */
export async function postContexts(tx: TenantTx, postIds: readonly string[]): Promise<Map<string, PostContext>> {
  if (postIds.length === 0) return new Map();
  const result = await pgOf(tx).query<PostContext & { id: string }>({
    name: 'coachline_post_contexts',
    text: `SELECT p.id, p.body, p.space_id, p.author_id, s.name AS space_name, u.name AS author_name,
            (SELECT array_agg(sm.user_id) FROM space_members sm WHERE sm.tenant_id = p.tenant_id AND sm.space_id = p.space_id) AS member_ids
     FROM posts p
     JOIN spaces s ON s.tenant_id = p.tenant_id AND s.id = p.space_id
     LEFT JOIN users u ON u.id = p.author_id
     WHERE p.tenant_id = $1 AND p.id = ANY($2::uuid[])`,
    values: [tx.scope.tenantId, [...new Set(postIds)]],
  });
  return new Map(result.rows.map((r) => [r.id, r]));
}

export interface Person {
  userId: string;
  name: string;
  email: string;
}

/** Current members among `userIds` with their name and email (people who left are not notified). */
export async function membersAmong(tx: TenantTx, userIds: readonly string[]): Promise<Person[]> {
  if (userIds.length === 0) return [];
  return tx
    .select({ userId: memberships.userId, name: users.name, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, tx.scope.tenantId), inArray(memberships.userId, [...userIds]), currentMember));
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
export async function insertNotifications(tx: TenantTx, rows: readonly NewNotification[]) {
  if (rows.length === 0) return [];
  return tx
    .insert(notifications)
    .values(rows.map((r) => ({ tenantId: tx.scope.tenantId, id: newId(), ...r })))
    .onConflictDoNothing()
    .returning({ id: notifications.id, userId: notifications.userId, type: notifications.type, title: notifications.title, body: notifications.body, data: notifications.data });
}

/** An in-app row of a batch, with the event it answers. */
export interface BatchNotification extends NewNotification {
  eventId: string;
}

/** A row a batch created, as the live notification announces it. */
export interface CreatedNotification extends NewNotification {
  id: string;
}

/**
 * A batch's bookkeeping and in-app rows in one statement and round trip:
 * records `eventIds` as processed by `consumer` (RECORD_PROCESSED), and
 * inserts the rows not there yet (one per source and user) of the events it
 * recorded, so an event processed before adds nothing. Returns the rows it
 * created. Arrays travel as single parameters, so its text and cost do not
 * grow with the rows; rows are sorted by their unique key so concurrent
 * batches lock in the same order. Only the keys come back, not every column
 * parsed again: the rest of a created row is what was sent.
 */
export async function recordAndInsertNotifications(tx: TenantTx, eventIds: readonly string[], consumer: string, rows: readonly BatchNotification[]): Promise<CreatedNotification[]> {
  if (eventIds.length === 0) return [];
  const sorted = [...rows].sort((a, b) => (a.sourceId === b.sourceId ? (a.userId < b.userId ? -1 : 1) : a.sourceId < b.sourceId ? -1 : 1));
  const data = sorted.map((r) => JSON.stringify(r.data));
  const result = await pgOf(tx).query<{ id: string; user_id: string; source_id: string }>({
    name: 'coachline_processed_notification_rows',
    text: `${RECORD_PROCESSED}
     INSERT INTO notifications (tenant_id, id, user_id, type, title, body, data, source_id)
     SELECT $1, r.id, r.user_id, r.type, r.title, r.body, r.data::jsonb, r.source_id
     FROM unnest($4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[]) AS r(id, user_id, type, title, body, data, source_id, event_id)
     WHERE r.event_id = ANY(ARRAY(SELECT event_id FROM fresh))
     ON CONFLICT DO NOTHING
     RETURNING id, user_id, source_id`,
    values: [
      tx.scope.tenantId,
      processedKeys(eventIds),
      consumer,
      sorted.map(() => newId()),
      sorted.map((r) => r.userId),
      sorted.map((r) => r.type),
      sorted.map((r) => r.title),
      sorted.map((r) => r.body),
      data,
      sorted.map((r) => r.sourceId),
      sorted.map((r) => r.eventId),
    ],
  });
  const sent = new Map(sorted.map((r, i) => [`${r.sourceId} ${r.userId}`, i]));
  return result.rows.map((created) => {
    const i = sent.get(`${created.source_id} ${created.user_id}`)!;
    const row = sorted[i]!;
    // The data as stored: what JSON keeps of it (no undefined members), as the database would return it.
    return { id: created.id, userId: row.userId, type: row.type, title: row.title, body: row.body, data: JSON.parse(data[i]!) as Record<string, unknown>, sourceId: row.sourceId };
  });
}

export async function deleteDevice(tx: TenantTx, deviceId: string) {
  await tx.delete(deviceTokens).where(and(eq(deviceTokens.tenantId, tx.scope.tenantId), eq(deviceTokens.id, deviceId)));
}

export async function findPost(tx: TenantTx, postId: string) {
  const [row] = await tx
    .select({ id: posts.id, spaceId: posts.spaceId, authorId: posts.authorId, body: posts.body, spaceName: spaces.name })
    .from(posts)
    .innerJoin(spaces, and(eq(spaces.tenantId, posts.tenantId), eq(spaces.id, posts.spaceId)))
    .where(and(eq(posts.tenantId, tx.scope.tenantId), eq(posts.id, postId)));
  return row;
}

export async function findComment(tx: TenantTx, commentId: string) {
  const [row] = await tx.select().from(comments).where(and(eq(comments.tenantId, tx.scope.tenantId), eq(comments.id, commentId)));
  return row;
}

/** Authors of the post's comments made before `commentId` (UUIDv7 ids sort by time). */
export async function earlierCommenterIds(tx: TenantTx, postId: string, commentId: string): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ authorId: comments.authorId })
    .from(comments)
    .where(and(eq(comments.tenantId, tx.scope.tenantId), eq(comments.postId, postId), lt(comments.id, commentId)));
  return rows.map((r) => r.authorId);
}

export async function findMessage(tx: TenantTx, messageId: string) {
  const [row] = await tx.select().from(messages).where(and(eq(messages.tenantId, tx.scope.tenantId), eq(messages.id, messageId)));
  return row;
}

export async function findSession(tx: TenantTx, sessionId: string) {
  const [row] = await tx.select().from(coachingSessions).where(and(eq(coachingSessions.tenantId, tx.scope.tenantId), eq(coachingSessions.id, sessionId)));
  return row;
}

export async function findMedia(tx: TenantTx, mediaId: string) {
  const [row] = await tx
    .select({ id: mediaAssets.id, filename: mediaAssets.filename, kind: mediaAssets.kind })
    .from(mediaAssets)
    .where(and(eq(mediaAssets.tenantId, tx.scope.tenantId), eq(mediaAssets.id, mediaId)));
  return row;
}

/** The tenant's current ADMINs: who hears about the tenant's own settings (a webhook endpoint disabled). */
export async function adminIds(tx: TenantTx): Promise<string[]> {
  const rows = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.tenantId, tx.scope.tenantId), eq(memberships.role, 'ADMIN'), currentMember));
  return rows.map((r) => r.userId);
}

/** The tenant's current COACHes and ADMINs: who triages the athletes. */
export async function staffIds(tx: TenantTx): Promise<string[]> {
  const rows = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.tenantId, tx.scope.tenantId), inArray(memberships.role, ['COACH', 'ADMIN']), currentMember));
  return rows.map((r) => r.userId);
}

/** The tenant's display name, for the emails that name the organization. */
export async function tenantName(tx: TenantTx): Promise<string | undefined> {
  const [tenant] = await tx.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, tx.scope.tenantId));
  return tenant?.name;
}
