import type { EventOf } from '@coachline/domain/events';
import { postContexts, type PostContext } from '../notification.repository';
import { excerpt, without, type EventPlanner, type NotificationPlan } from '../notification-plan';

function postPlan(event: EventOf<'post.created'>, post: PostContext | undefined): NotificationPlan | undefined {
  if (!post) return undefined;
  const p = event.payload;
  return {
    type: 'post.created',
    sourceId: event.id,
    recipients: without(post.member_ids ?? [], p.authorId),
    title: `New post in ${post.space_name}`,
    body: `${post.author_name ?? 'Someone'}: ${excerpt(post.body)}`,
    data: { postId: p.postId, spaceId: p.spaceId, authorId: p.authorId },
    path: `/spaces/${p.spaceId}/posts/${p.postId}`,
  };
}

/**
 * notifications queue, event `post.created`: every member of the space but the
 * author. Posts are the bulk of the traffic, so a batch's posts are planned
 * with one query (`pnpm bench events` measures this path).
 */
export const postCreated: EventPlanner<'post.created'> = {
  async many(tx, events) {
    const posts = await postContexts(tx, events.map((e) => e.payload.postId));
    return events.map((e) => postPlan(e, posts.get(e.payload.postId)));
  },
};
