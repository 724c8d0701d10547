import type { Database, TenantTx } from '@coachline/db/database';
import { recordAudit } from '@coachline/db/audit';
import { newId } from '@coachline/db/ids';
import { emit } from '@coachline/db/outbox';
import type { comments, posts, spaceMembers, spaces } from '@coachline/db/schema/index';
import type { PageQuery } from '@coachline/domain/api/common';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@coachline/domain/errors';
import { decodeCursor, page } from '@coachline/db/pagination';
import { isForeignKeyViolation, isUniqueViolation } from '@coachline/db/pg-errors';
import type { Actor } from '@coachline/domain/actor';
import type { LazyInput } from '@coachline/use-cases/lazy-input';
import * as repo from './spaces.repository';
import { attachableMediaIds } from '@coachline/db/media';
import { isMember } from '@coachline/db/memberships';

const NOT_A_MEMBER = 'The user is not a member of this organization.';

const spaceOut = (s: Omit<typeof spaces.$inferSelect, 'tenantId'>) => ({ id: s.id, name: s.name, description: s.description ?? null, createdBy: s.createdBy, createdAt: s.createdAt.toISOString() });
const memberOut = (m: typeof spaceMembers.$inferSelect) => ({ spaceId: m.spaceId, userId: m.userId, joinedAt: m.joinedAt.toISOString() });
const postOut = (p: typeof posts.$inferSelect) => ({ id: p.id, spaceId: p.spaceId, authorId: p.authorId, body: p.body, mediaIds: p.mediaIds, createdAt: p.createdAt.toISOString() });
const commentOut = (c: typeof comments.$inferSelect) => ({ id: c.id, postId: c.postId, authorId: c.authorId, body: c.body, createdAt: c.createdAt.toISOString() });

/** Spaces are visible to their members only: to anyone else a space (and its posts) does not exist. */
export class SpaceService {
  constructor(private readonly db: Database) {}

  async create(actor: Actor, input: { name: string; description?: string }) {
    return this.db.withTenant(actor, async (tx) => {
      const id = newId();
      const space = await repo.insertSpace(tx, { id, name: input.name, description: input.description ?? null, createdBy: actor.userId });
      await repo.insertSpaceMember(tx, { id: newId(), spaceId: id, userId: actor.userId });
      await recordAudit(tx, { actorId: actor.userId, action: 'space.created', entityType: 'space', entityId: id, summary: { name: input.name } });
      return spaceOut(space);
    });
  }

  async listMine(actor: Actor, query: PageQuery) {
    const cursor = decodeCursor(query.cursor);
    const rows = await this.db.withTenant(actor, (tx) => repo.listSpacesOf(tx, actor.userId, query.limit, cursor?.id));
    const result = page(rows, query.limit, (row) => ({ id: row.id }));
    return { items: result.items.map(spaceOut), nextCursor: result.nextCursor };
  }

  async addMember(actor: Actor, spaceId: string, input: LazyInput<{ userId: string }>) {
    try {
      return await this.db.withTenant(actor, async (tx) => {
        await requireMember(tx, actor, spaceId);
        const { userId } = input();
        // A removed member's membership row still satisfies the reference below: they are asked for by name.
        if (!(await isMember(tx, userId))) throw new ValidationError(NOT_A_MEMBER, [{ path: 'userId', message: 'Not a member of this organization' }]);
        const member = await repo.insertSpaceMember(tx, { id: newId(), spaceId, userId });
        await recordAudit(tx, { actorId: actor.userId, action: 'space.member_added', entityType: 'space', entityId: spaceId, summary: { userId } });
        return memberOut(member);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'space_members_key')) throw new ConflictError('This person is already a member of the space.');
      // The composite reference to memberships: the user is not in this organization.
      if (isForeignKeyViolation(error)) throw new ValidationError(NOT_A_MEMBER, [{ path: 'userId', message: 'Not a member of this organization' }]);
      throw error;
    }
  }

  async listPosts(actor: Actor, spaceId: string, lazyQuery: LazyInput<PageQuery>) {
    return this.db.withTenant(actor, async (tx) => {
      await requireMember(tx, actor, spaceId);
      const query = lazyQuery();
      const cursor = decodeCursor(query.cursor);
      const result = page(await repo.listPosts(tx, spaceId, query.limit, cursor?.id), query.limit, (row) => ({ id: row.id }));
      return { items: result.items.map(postOut), nextCursor: result.nextCursor };
    });
  }

  /** The post and its `post.created` event commit together. */
  async createPost(actor: Actor, spaceId: string, input: LazyInput<{ body: string; mediaIds?: string[] }>) {
    return this.db.withTenant(actor, async (tx) => {
      await requireMember(tx, actor, spaceId);
      const { body, mediaIds: requested } = input();
      const mediaIds = [...new Set(requested ?? [])];
      // Only this tenant's uploads that finalized (processing or ready) can be attached.
      const found = await attachableMediaIds(tx, mediaIds);
      const missing = mediaIds.filter((id) => !found.has(id));
      if (missing.length) throw new ValidationError('Unknown media.', missing.map((id) => ({ path: `mediaIds.${mediaIds.indexOf(id)}`, message: 'No such media, or it is not uploaded yet' })));
      const id = newId();
      const post = await repo.insertPost(tx, { id, spaceId, authorId: actor.userId, body, mediaIds });
      await emit(tx, 'post.created', { postId: id, spaceId, authorId: actor.userId });
      await recordAudit(tx, { actorId: actor.userId, action: 'post.created', entityType: 'post', entityId: id, summary: { spaceId } });
      return postOut(post);
    });
  }

  async listComments(actor: Actor, postId: string, lazyQuery: LazyInput<PageQuery>) {
    return this.db.withTenant(actor, async (tx) => {
      await requirePostVisible(tx, actor, postId);
      const query = lazyQuery();
      const cursor = decodeCursor(query.cursor);
      const result = page(await repo.listComments(tx, postId, query.limit, cursor?.id), query.limit, (row) => ({ id: row.id }));
      return { items: result.items.map(commentOut), nextCursor: result.nextCursor };
    });
  }

  async updatePost(actor: Actor, postId: string, input: LazyInput<{ body: string }>) {
    return this.db.withTenant(actor, async (tx) => {
      await postToChange(tx, actor, postId);
      const { body } = input();
      const post = await repo.updatePost(tx, postId, body);
      await recordAudit(tx, { actorId: actor.userId, action: 'post.updated', entityType: 'post', entityId: postId, summary: { spaceId: post.spaceId } });
      return postOut(post);
    });
  }

  async deletePost(actor: Actor, postId: string): Promise<void> {
    await this.db.withTenant(actor, async (tx) => {
      const post = await postToChange(tx, actor, postId);
      await repo.deletePost(tx, postId);
      await recordAudit(tx, { actorId: actor.userId, action: 'post.deleted', entityType: 'post', entityId: postId, summary: { spaceId: post.spaceId, authorId: post.authorId } });
    });
  }

  async createComment(actor: Actor, postId: string, input: LazyInput<{ body: string }>) {
    return this.db.withTenant(actor, async (tx) => {
      await requirePostVisible(tx, actor, postId);
      const { body } = input();
      const id = newId();
      const comment = await repo.insertComment(tx, { id, postId, authorId: actor.userId, body });
      await emit(tx, 'comment.created', { commentId: id, postId, authorId: actor.userId });
      await recordAudit(tx, { actorId: actor.userId, action: 'comment.created', entityType: 'comment', entityId: id, summary: { postId } });
      return commentOut(comment);
    });
  }
}

/**
 * The post, for someone who may change it: its author, or a COACH or ADMIN
 * who is a member of its space. Other members get 403; anyone outside the
 * space, 404.
 */
async function postToChange(tx: TenantTx, actor: Actor, postId: string) {
  const post = await repo.findPost(tx, postId);
  if (!post || !(await repo.isSpaceMember(tx, post.spaceId, actor.userId))) throw new NotFoundError('No such post.');
  if (post.authorId !== actor.userId && !actor.permissions.includes('space:manage')) throw new ForbiddenError("Only the post's author or the space's coaches change a post.");
  return post;
}

async function requireMember(tx: TenantTx, actor: Actor, spaceId: string): Promise<void> {
  if (!(await repo.isSpaceMember(tx, spaceId, actor.userId))) throw new NotFoundError('No such space.');
}

async function requirePostVisible(tx: TenantTx, actor: Actor, postId: string): Promise<void> {
  const post = await repo.findPost(tx, postId);
  if (!post || !(await repo.isSpaceMember(tx, post.spaceId, actor.userId))) throw new NotFoundError('No such post.');
}
