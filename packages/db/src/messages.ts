import { and, eq, or } from 'drizzle-orm';
import { NotFoundError, ValidationError } from '@coachline/domain/errors';
import { recordAudit } from './audit';
import type { TenantTx } from './database';
import { newId } from './ids';
import { emit } from './outbox';
import { conversations, memberships, messages, workouts } from './schema/index';

export interface MessageActor {
  tenantId: string;
  userId: string;
  requestId?: string;
  traceparent?: string;
}

export interface StoredMessage {
  id: string;
  conversationId: string;
  fromUserId: string;
  toUserId: string;
  body: string;
  workoutId: string | null;
  createdAt: string;
}

export type ConversationRow = typeof conversations.$inferSelect;

/** The other participant of a conversation. */
export const otherParticipant = (conversation: ConversationRow, userId: string) => (conversation.userA === userId ? conversation.userB : conversation.userA);

/**
 * The one conversation of two members, created on first use. `field` names the
 * input that carried the other user, for the validation error.
 */
export async function openConversation(tx: TenantTx, actor: MessageActor, otherUserId: string, field: string): Promise<ConversationRow> {
  if (otherUserId === actor.userId) throw new ValidationError('You cannot message yourself.', [{ path: field, message: 'Must be another member' }]);
  const [member] = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.tenantId, actor.tenantId), eq(memberships.userId, otherUserId)));
  if (!member) throw new ValidationError('No such member in this organization.', [{ path: field, message: 'Unknown member' }]);
  const [userA, userB] = [actor.userId, otherUserId].sort() as [string, string];
  await tx.insert(conversations).values({ tenantId: actor.tenantId, id: newId(), userA, userB }).onConflictDoNothing();
  const [conversation] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.tenantId, actor.tenantId), eq(conversations.userA, userA), eq(conversations.userB, userB)));
  return conversation!;
}

/** A conversation the actor takes part in; any other is not found. */
export async function conversationOf(tx: TenantTx, actor: MessageActor, conversationId: string): Promise<ConversationRow> {
  const [conversation] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.tenantId, actor.tenantId), eq(conversations.id, conversationId), or(eq(conversations.userA, actor.userId), eq(conversations.userB, actor.userId))));
  if (!conversation) throw new NotFoundError('Conversation not found.');
  return conversation;
}

export type SendMessageInput = { body: string; workoutId?: string } & ({ toUserId: string } | { conversationId: string });

/**
 * Stores a message and its `message.created` event in one transaction: the one
 * code path behind both the REST route and the socket's `message:send`.
 */
export async function sendMessage(tx: TenantTx, actor: MessageActor, input: SendMessageInput): Promise<StoredMessage> {
  const conversation = 'toUserId' in input ? await openConversation(tx, actor, input.toUserId, 'toUserId') : await conversationOf(tx, actor, input.conversationId);
  if (input.workoutId) {
    const [workout] = await tx
      .select({ id: workouts.id })
      .from(workouts)
      .where(and(eq(workouts.tenantId, actor.tenantId), eq(workouts.id, input.workoutId)));
    if (!workout) throw new ValidationError('The workout does not exist.', [{ path: 'workoutId', message: 'Unknown workout' }]);
  }
  const toUserId = otherParticipant(conversation, actor.userId);
  const [row] = await tx
    .insert(messages)
    .values({ tenantId: actor.tenantId, id: newId(), conversationId: conversation.id, fromUserId: actor.userId, body: input.body, workoutId: input.workoutId ?? null })
    .returning();
  await tx
    .update(conversations)
    .set({ lastMessageAt: row!.createdAt })
    .where(and(eq(conversations.tenantId, actor.tenantId), eq(conversations.id, conversation.id)));
  await emit(tx, 'message.created', { messageId: row!.id, conversationId: conversation.id, fromUserId: actor.userId, toUserId });
  await recordAudit(tx, {
    actorId: actor.userId,
    action: 'message.sent',
    entityType: 'message',
    entityId: row!.id,
    summary: { conversationId: conversation.id, toUserId },
  });
  return {
    id: row!.id,
    conversationId: conversation.id,
    fromUserId: actor.userId,
    toUserId,
    body: row!.body,
    workoutId: row!.workoutId,
    createdAt: row!.createdAt.toISOString(),
  };
}
