import { recordAudit } from '@coachline/db/audit';
import { afterCommit, type Database } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { appendMessage, findMessage, workoutExists, type MessageRow } from '@coachline/db/messages';
import { emit } from '@coachline/db/outbox';
import type { Actor } from '@coachline/domain/actor';
import { ConflictError, ValidationError } from '@coachline/domain/errors';
import { rooms } from '@coachline/domain/socket';
import type { Logger } from '@coachline/runtime/logger';
import type { LazyInput } from '../lazy-input';
import { broadcast, type LiveBroadcast } from '../live-broadcast';
import { conversationOf, openConversation, otherParticipant } from './conversation-access';

/** Whom a message goes to: a member (their conversation is opened on first use), or a conversation the sender takes part in. */
export type Recipient = { toUserId: string } | { conversationId: string };

export interface MessageInput {
  /** Client-generated id (offline sync): sending it again returns the stored message and changes nothing. */
  id?: string;
  body: string;
  workoutId?: string;
}

/** A message as its sender and its recipient see it. */
export interface SentMessage {
  id: string;
  conversationId: string;
  fromUserId: string;
  body: string;
  workoutId: string | null;
  createdAt: string;
}

const sentOf = (row: MessageRow): SentMessage => ({
  id: row.id,
  conversationId: row.conversationId,
  fromUserId: row.fromUserId,
  body: row.body,
  workoutId: row.workoutId,
  createdAt: row.createdAt.toISOString(),
});

/**
 * Sends a message: the REST route's and the socket's `message:send`. The
 * message, its `message.created` event and its audit row commit together; then
 * the recipient's connections on any realtime instance get `message:new`. A
 * replayed client id changed nothing and announces nothing.
 */
export class SendMessageUseCase {
  constructor(
    private readonly db: Database,
    private readonly live: LiveBroadcast,
    private readonly logger: Logger,
  ) {}

  async execute(actor: Actor, to: Recipient, input: LazyInput<MessageInput>): Promise<SentMessage> {
    return this.db.withTenant(actor, async (tx) => {
      const conversation = 'toUserId' in to ? await openConversation(tx, actor, to.toUserId, 'toUserId') : await conversationOf(tx, actor, to.conversationId);
      const { id, body, workoutId } = input();
      if (id) {
        const existing = await findMessage(tx, id);
        if (existing) {
          if (existing.fromUserId !== actor.userId || existing.conversationId !== conversation.id) throw new ConflictError('This message id is already used.');
          return sentOf(existing);
        }
      }
      if (workoutId && !(await workoutExists(tx, workoutId))) throw new ValidationError('The workout does not exist.', [{ path: 'workoutId', message: 'Unknown workout' }]);
      const recipient = otherParticipant(conversation, actor.userId);
      const row = await appendMessage(tx, { id: id ?? newId(), conversationId: conversation.id, fromUserId: actor.userId, body, workoutId: workoutId ?? null });
      await emit(tx, 'message.created', { messageId: row.id, conversationId: conversation.id, fromUserId: actor.userId, toUserId: recipient });
      await recordAudit(tx, {
        actorId: actor.userId,
        action: 'message.sent',
        entityType: 'message',
        entityId: row.id,
        summary: { conversationId: conversation.id, toUserId: recipient },
      });
      const sent = sentOf(row);
      afterCommit(tx, () => broadcast(this.live, this.logger, actor, rooms.user(actor.tenantId, recipient), 'message:new', sent));
      return sent;
    });
  }
}
