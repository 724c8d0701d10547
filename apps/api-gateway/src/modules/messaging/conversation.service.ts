import type { Database } from '@coachline/db/database';
import type { ConversationRow } from '@coachline/db/messages';
import { decodeCursor, page } from '@coachline/db/pagination';
import type { PageQuery } from '@coachline/domain/api/common';
import type { Actor } from '@coachline/domain/actor';
import { conversationOf, openConversation, otherParticipant } from '@coachline/use-cases/messaging/conversation-access';
import { listConversations, listMessages } from './messaging.repository';

const toConversation = (row: ConversationRow, userId: string) => ({
  id: row.id,
  participantIds: [row.userA, row.userB],
  otherUserId: otherParticipant(row, userId),
  createdAt: row.createdAt.toISOString(),
  lastMessageAt: row.lastMessageAt?.toISOString() ?? null,
});

/** 1:1 conversations between members of one tenant; sending is SendMessageUseCase, shared with the socket. */
export class ConversationService {
  constructor(private readonly db: Database) {}

  async open(actor: Actor, userId: string) {
    const row = await this.db.withTenant(actor, (tx) => openConversation(tx, actor, userId, 'userId'));
    return toConversation(row, actor.userId);
  }

  async list(actor: Actor, query: PageQuery) {
    const cursor = decodeCursor(query.cursor);
    const rows = await this.db.withTenant(actor, (tx) => listConversations(tx, actor.userId, query.limit, cursor?.id));
    const result = page(rows, query.limit, (row) => ({ id: row.id }));
    return { items: result.items.map((row) => toConversation(row, actor.userId)), nextCursor: result.nextCursor };
  }

  async messages(actor: Actor, conversationId: string, query: PageQuery) {
    const cursor = decodeCursor(query.cursor);
    const rows = await this.db.withTenant(actor, async (tx) => {
      await conversationOf(tx, actor, conversationId);
      return listMessages(tx, conversationId, query.limit, cursor?.id);
    });
    const result = page(rows, query.limit, (row) => ({ id: row.id }));
    return {
      items: result.items.map((m) => ({ id: m.id, conversationId: m.conversationId, fromUserId: m.fromUserId, body: m.body, workoutId: m.workoutId, createdAt: m.createdAt.toISOString() })),
      nextCursor: result.nextCursor,
    };
  }
}
