import { findMessage } from '../notification.repository';
import { excerpt, nameOf, without, type EventPlanner } from '../notification-plan';

/** notifications queue, event `message.created`: the recipient, only while offline (a live socket already shows it). */
export const messageCreated: EventPlanner<'message.created'> = {
  async one(tx, event) {
    const p = event.payload;
    const message = await findMessage(tx, p.messageId);
    if (!message) return undefined;
    const from = await nameOf(tx, p.fromUserId);
    return {
      type: 'message.created',
      sourceId: event.id,
      recipients: without([p.toUserId], p.fromUserId),
      title: `New message from ${from}`,
      body: excerpt(message.body),
      data: { messageId: p.messageId, conversationId: p.conversationId, fromUserId: p.fromUserId },
      path: `/conversations/${p.conversationId}`,
      onlyIfOffline: true,
    };
  },
};
