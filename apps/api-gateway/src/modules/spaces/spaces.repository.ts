import { and, desc, eq, lt, gt, asc, sql } from 'drizzle-orm';
import type { NewRow, TenantTx } from '@coachline/db/database';
import { preparedQuery } from '@coachline/db/prepared';
import { comments, posts, spaceMembers, spaces } from '@coachline/db/schema/index';

export async function isSpaceMember(tx: TenantTx, spaceId: string, userId: string): Promise<boolean> {
  const rows = await tx
    .select({ id: spaceMembers.id })
    .from(spaceMembers)
    .where(and(eq(spaceMembers.tenantId, tx.scope.tenantId), eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.userId, userId)));
  return rows.length > 0;
}

export async function findPost(tx: TenantTx, postId: string) {
  const [row] = await tx.select().from(posts).where(and(eq(posts.tenantId, tx.scope.tenantId), eq(posts.id, postId)));
  return row;
}

export async function insertSpace(tx: TenantTx, row: NewRow<typeof spaces>) {
  const [space] = await tx.insert(spaces).values({ ...row, tenantId: tx.scope.tenantId }).returning();
  return space!;
}

export async function insertSpaceMember(tx: TenantTx, row: NewRow<typeof spaceMembers>) {
  const [member] = await tx.insert(spaceMembers).values({ ...row, tenantId: tx.scope.tenantId }).returning();
  return member!;
}

export async function listSpacesOf(tx: TenantTx, userId: string, limit: number, afterId?: string) {
  return tx
    .select({ id: spaces.id, name: spaces.name, description: spaces.description, createdBy: spaces.createdBy, createdAt: spaces.createdAt })
    .from(spaces)
    .innerJoin(spaceMembers, and(eq(spaceMembers.tenantId, spaces.tenantId), eq(spaceMembers.spaceId, spaces.id), eq(spaceMembers.userId, userId)))
    .where(and(eq(spaces.tenantId, tx.scope.tenantId), afterId ? gt(spaces.id, afterId) : undefined))
    .orderBy(asc(spaces.id))
    .limit(limit + 1);
}

/** Newest first. */
export async function listPosts(tx: TenantTx, spaceId: string, limit: number, beforeId?: string) {
  return tx
    .select()
    .from(posts)
    .where(and(eq(posts.tenantId, tx.scope.tenantId), eq(posts.spaceId, spaceId), beforeId ? lt(posts.id, beforeId) : undefined))
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

export async function insertPost(tx: TenantTx, row: { id: string; spaceId: string; authorId: string; body: string; mediaIds: string[] }) {
  const [post] = await insertPostQuery(tx).execute({ ...row, tenantId: tx.scope.tenantId });
  return post!;
}

/** Oldest first, as a thread reads. */
export async function listComments(tx: TenantTx, postId: string, limit: number, afterId?: string) {
  return tx
    .select()
    .from(comments)
    .where(and(eq(comments.tenantId, tx.scope.tenantId), eq(comments.postId, postId), afterId ? gt(comments.id, afterId) : undefined))
    .orderBy(asc(comments.id))
    .limit(limit + 1);
}

export async function insertComment(tx: TenantTx, row: NewRow<typeof comments>) {
  const [comment] = await tx.insert(comments).values({ ...row, tenantId: tx.scope.tenantId }).returning();
  return comment!;
}


export async function updatePost(tx: TenantTx, postId: string, body: string) {
  const [post] = await tx
    .update(posts)
    .set({ body })
    .where(and(eq(posts.tenantId, tx.scope.tenantId), eq(posts.id, postId)))
    .returning();
  return post!;
}

/** Its comments go with it (the reference cascades). */
export async function deletePost(tx: TenantTx, postId: string): Promise<void> {
  await tx.delete(posts).where(and(eq(posts.tenantId, tx.scope.tenantId), eq(posts.id, postId)));
}
