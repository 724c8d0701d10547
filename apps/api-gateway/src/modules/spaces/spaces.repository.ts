import { and, desc, eq, lt, gt, asc, sql } from 'drizzle-orm';
import type { Tx } from '@coachline/db/database';
import { preparedQuery } from '@coachline/db/prepared';
import { comments, posts, spaceMembers, spaces } from '@coachline/db/schema/index';

export async function isSpaceMember(tx: Tx, tenantId: string, spaceId: string, userId: string): Promise<boolean> {
  const rows = await tx
    .select({ id: spaceMembers.id })
    .from(spaceMembers)
    .where(and(eq(spaceMembers.tenantId, tenantId), eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.userId, userId)));
  return rows.length > 0;
}

export async function findPost(tx: Tx, tenantId: string, postId: string) {
  const [row] = await tx.select().from(posts).where(and(eq(posts.tenantId, tenantId), eq(posts.id, postId)));
  return row;
}

export async function insertSpace(tx: Tx, row: typeof spaces.$inferInsert) {
  const [space] = await tx.insert(spaces).values(row).returning();
  return space!;
}

export async function insertSpaceMember(tx: Tx, row: typeof spaceMembers.$inferInsert) {
  const [member] = await tx.insert(spaceMembers).values(row).returning();
  return member!;
}

export async function listSpacesOf(tx: Tx, tenantId: string, userId: string, limit: number, afterId?: string) {
  return tx
    .select({ id: spaces.id, name: spaces.name, description: spaces.description, createdBy: spaces.createdBy, createdAt: spaces.createdAt })
    .from(spaces)
    .innerJoin(spaceMembers, and(eq(spaceMembers.tenantId, spaces.tenantId), eq(spaceMembers.spaceId, spaces.id), eq(spaceMembers.userId, userId)))
    .where(and(eq(spaces.tenantId, tenantId), afterId ? gt(spaces.id, afterId) : undefined))
    .orderBy(asc(spaces.id))
    .limit(limit + 1);
}

/** Newest first. */
export async function listPosts(tx: Tx, tenantId: string, spaceId: string, limit: number, beforeId?: string) {
  return tx
    .select()
    .from(posts)
    .where(and(eq(posts.tenantId, tenantId), eq(posts.spaceId, spaceId), beforeId ? lt(posts.id, beforeId) : undefined))
    .orderBy(desc(posts.id))
    .limit(limit + 1);
}

// Posting is the busiest write of spaces, so its insert is prepared once per connection.
const insertPostQuery = preparedQuery((tx) =>
  tx
    .insert(posts)
    .values({
      tenantId: sql.placeholder('tenantId'),
      id: sql.placeholder('id'),
      spaceId: sql.placeholder('spaceId'),
      authorId: sql.placeholder('authorId'),
      body: sql.placeholder('body'),
      mediaIds: sql.placeholder('mediaIds'),
    })
    .returning()
    .prepare('insert_post'),
);

export async function insertPost(tx: Tx, row: { tenantId: string; id: string; spaceId: string; authorId: string; body: string; mediaIds: string[] }) {
  const [post] = await insertPostQuery(tx).execute(row);
  return post!;
}

/** Oldest first, as a thread reads. */
export async function listComments(tx: Tx, tenantId: string, postId: string, limit: number, afterId?: string) {
  return tx
    .select()
    .from(comments)
    .where(and(eq(comments.tenantId, tenantId), eq(comments.postId, postId), afterId ? gt(comments.id, afterId) : undefined))
    .orderBy(asc(comments.id))
    .limit(limit + 1);
}

export async function insertComment(tx: Tx, row: typeof comments.$inferInsert) {
  const [comment] = await tx.insert(comments).values(row).returning();
  return comment!;
}

