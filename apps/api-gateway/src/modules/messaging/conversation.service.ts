import type { Database } from '@coachline/db/database';
import { conversationOf, openConversation, otherParticipant, sendMessage, type ConversationRow, type MessageActor, type StoredMessage } from '@coachline/db/messages';
import type { PageQuery } from '@coachline/domain/api/common';
import { rooms } from '@coachline/domain/socket';
import type { LiveEmitter } from '@coachline/runtime/live-emitter';
import type { Logger } from '@coachline/runtime/logger';
import { currentTraceparent } from '@coachline/runtime/tracing';
import { decodeCursor, page } from '@coachline/db/pagination';
import { logFieldsOf, type Actor } from '@coachline/domain/actor';
import { listConversations, listMessages } from './messaging.repository';

const messageActor = (actor: Actor): MessageActor => ({ tenantId: actor.tenantId, userId: actor.userId, requestId: actor.requestId, traceparent: currentTraceparent() });

const toConversation = (row: ConversationRow, userId: string) => ({
  id: row.id,
  participantIds: [row.userA, row.userB],
  otherUserId: otherParticipant(row, userId),
  createdAt: row.createdAt.toISOString(),
  lastMessageAt: row.lastMessageAt?.toISOString() ?? null,
});

/** 1:1 conversations between members of one tenant. */
export class ConversationService {
  constructor(
    private readonly db: Database,
    private readonly live: LiveEmitter,
    private readonly logger: Logger,
  ) {}

  async open(actor: Actor, userId: string) {
    const row = await this.db.withTenant(actor, (tx) => openConversation(tx, messageActor(actor), userId, 'userId'));
    return toConversation(row, actor.userId);
  }

  async list(actor: Actor, query: PageQuery) {
    const cursor = decodeCursor(query.cursor);
    const rows = await this.db.withTenant(actor, (tx) => listConversations(tx, actor.userId, query.limit, cursor?.id));
    const result = page(rows, query.limit, (row) => ({ id: row.id }));
    return { items: result.items.map((row) => toConversation(row, actor.userId)), nextCursor: result.nextCursor };
  }

  async assertParticipant(actor: Actor, conversationId: string) {
    await this.db.withTenant(actor, (tx) => conversationOf(tx, messageActor(actor), conversationId));
  }

  async messages(actor: Actor, conversationId: string, query: PageQuery) {
    const cursor = decodeCursor(query.cursor);
    const rows = await this.db.withTenant(actor, async (tx) => {
      await conversationOf(tx, messageActor(actor), conversationId);
      return listMessages(tx, conversationId, query.limit, cursor?.id);
    });
    const result = page(rows, query.limit, (row) => ({ id: row.id }));
    return {
      items: result.items.map((m) => ({ id: m.id, conversationId: m.conversationId, fromUserId: m.fromUserId, body: m.body, workoutId: m.workoutId, createdAt: m.createdAt.toISOString() })),
      nextCursor: result.nextCursor,
    };
  }

  async send(actor: Actor, conversationId: string, input: { body: string; workoutId?: string }) {
    const message = await this.db.withTenant(actor, (tx) => sendMessage(tx, messageActor(actor), { conversationId, ...input }));
    return this.deliver(actor, message);
  }

  /** After commit: the recipient's connections on any realtime instance get it live. */
  private deliver(actor: Actor, message: StoredMessage) {
    const { toUserId, ...wire } = message;
    try {
      this.live.to(rooms.user(actor.tenantId, toUserId)).emit('message:new', wire);
    } catch (error) {
      this.logger.warn('live delivery failed', { ...logFieldsOf(actor), error: (error as Error).message });
    }
    return wire;
  }
}
