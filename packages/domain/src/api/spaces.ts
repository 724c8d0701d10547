import { z } from 'zod';
import { freeText, nameString, uuid } from './common';

export const createSpaceBody = z
  .strictObject({ name: nameString, description: freeText.optional() })
  .meta({ id: 'CreateSpaceRequest' });

export const spaceSchema = z
  .object({ id: uuid, name: z.string(), description: z.string().nullable(), createdBy: uuid, createdAt: z.string() })
  .meta({ id: 'Space' });

export const addSpaceMemberBody = z.strictObject({ userId: uuid }).meta({ id: 'AddSpaceMemberRequest' });

export const spaceMemberSchema = z
  .object({ spaceId: uuid, userId: uuid, joinedAt: z.string() })
  .meta({ id: 'SpaceMember' });

export const createPostBody = z
  .strictObject({ body: freeText, mediaIds: z.array(uuid).max(10).optional() })
  .meta({ id: 'CreatePostRequest', examples: [{ body: 'Deload week: keep every set at RPE 7.' }] });

export const postSchema = z
  .object({ id: uuid, spaceId: uuid, authorId: uuid, body: z.string(), mediaIds: z.array(uuid), createdAt: z.string() })
  .meta({ id: 'Post' });

/** A post's new text; its media stay. */
export const updatePostBody = z.strictObject({ body: freeText }).meta({ id: 'UpdatePostRequest', examples: [{ body: 'Session moved to 7:00 tomorrow.' }] });

export const createCommentBody = z.strictObject({ body: freeText }).meta({ id: 'CreateCommentRequest' });

export const commentSchema = z
  .object({ id: uuid, postId: uuid, authorId: uuid, body: z.string(), createdAt: z.string() })
  .meta({ id: 'Comment' });
