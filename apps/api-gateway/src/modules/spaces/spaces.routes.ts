import { idParams, pageOf, pageQuery } from '@coachline/domain/api/common';
import { addSpaceMemberBody, commentSchema, createCommentBody, createPostBody, createSpaceBody, postSchema, spaceMemberSchema, spaceSchema } from '@coachline/domain/api/spaces';
import { route, type AnyRoute } from '../../http/route';
import type { SpaceService } from './spaces.service';

export function spaceRoutes(spaces: SpaceService): AnyRoute[] {
  const tags = ['Spaces'];
  const inSpace = ({ actor, params }: { actor: Parameters<SpaceService['requireMember']>[0]; params: { id: string } }) => spaces.requireMember(actor, params.id);
  const postVisible = ({ actor, params }: { actor: Parameters<SpaceService['requirePostVisible']>[0]; params: { id: string } }) => spaces.requirePostVisible(actor, params.id);
  return [
    route({
      method: 'post',
      path: '/v1/spaces',
      summary: 'Create a group space; the creator is its first member',
      tags,
      access: 'space:manage',
      body: createSpaceBody,
      responses: { 201: { description: 'Created', schema: spaceSchema } },
      handler: async ({ actor, body }) => ({ status: 201, body: await spaces.create(actor, body) }),
    }),
    route({
      method: 'get',
      path: '/v1/spaces',
      summary: 'Spaces the caller belongs to',
      tags,
      access: 'space:read',
      query: pageQuery,
      responses: { 200: { description: 'Spaces', schema: pageOf(spaceSchema) } },
      handler: async ({ actor, query }) => ({ status: 200, body: await spaces.listMine(actor, query) }),
    }),
    route({
      method: 'post',
      path: '/v1/spaces/:id/members',
      summary: 'Add a member of the organization to a space',
      tags,
      access: 'space:manage',
      params: idParams,
      resource: inSpace,
      body: addSpaceMemberBody,
      responses: { 201: { description: 'Added', schema: spaceMemberSchema }, 409: { description: 'Already a member' } },
      handler: async ({ actor, params, body }) => ({ status: 201, body: await spaces.addMember(actor, params.id, body) }),
    }),
    route({
      method: 'get',
      path: '/v1/spaces/:id/posts',
      summary: "A space's posts, newest first (members only)",
      tags,
      access: 'space:read',
      params: idParams,
      resource: inSpace,
      query: pageQuery,
      responses: { 200: { description: 'Posts', schema: pageOf(postSchema) } },
      handler: async ({ actor, params, query }) => ({ status: 200, body: await spaces.listPosts(actor, params.id, query) }),
    }),
    route({
      method: 'post',
      path: '/v1/spaces/:id/posts',
      summary: 'Post in a space; emits post.created',
      tags,
      access: 'space:write',
      params: idParams,
      resource: inSpace,
      body: createPostBody,
      responses: { 201: { description: 'Posted', schema: postSchema } },
      handler: async ({ actor, params, body }) => ({ status: 201, body: await spaces.createPost(actor, params.id, body) }),
    }),
    route({
      method: 'get',
      path: '/v1/posts/:id/comments',
      summary: "A post's comments, oldest first (space members only)",
      tags,
      access: 'space:read',
      params: idParams,
      resource: postVisible,
      query: pageQuery,
      responses: { 200: { description: 'Comments', schema: pageOf(commentSchema) } },
      handler: async ({ actor, params, query }) => ({ status: 200, body: await spaces.listComments(actor, params.id, query) }),
    }),
    route({
      method: 'post',
      path: '/v1/posts/:id/comments',
      summary: 'Comment on a post; emits comment.created',
      tags,
      access: 'space:write',
      params: idParams,
      resource: postVisible,
      body: createCommentBody,
      responses: { 201: { description: 'Commented', schema: commentSchema } },
      handler: async ({ actor, params, body }) => ({ status: 201, body: await spaces.createComment(actor, params.id, body) }),
    }),
  ];
}
