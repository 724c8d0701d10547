import { earlierCommenterIds, findComment, findPost } from '../notification.repository';
import { excerpt, nameOf, without, type EventPlanner } from '../notification-plan';

/** notifications queue, event `comment.created`: the post's author and earlier commenters, never the commenter. */
export const commentCreated: EventPlanner<'comment.created'> = {
  async one(tx, event) {
    const p = event.payload;
    const [comment, post] = [await findComment(tx, p.commentId), await findPost(tx, p.postId)];
    if (!comment || !post) return undefined;
    const author = await nameOf(tx, p.authorId);
    const earlier = await earlierCommenterIds(tx, p.postId, p.commentId);
    return {
      type: 'comment.created',
      sourceId: event.id,
      recipients: without([post.authorId, ...earlier], p.authorId),
      title: `New comment in ${post.spaceName}`,
      body: `${author}: ${excerpt(comment.body)}`,
      data: { postId: p.postId, commentId: p.commentId, spaceId: post.spaceId, authorId: p.authorId },
      path: `/spaces/${post.spaceId}/posts/${p.postId}`,
    };
  },
};
