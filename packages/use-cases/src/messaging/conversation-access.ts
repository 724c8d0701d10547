import type { Actor } from '@coachline/domain/actor';
import { NotFoundError, ValidationError } from '@coachline/domain/errors';
import type { TenantTx } from '@coachline/db/database';
import { isMember } from '@coachline/db/memberships';
import { ensureConversation, findConversationOf, type ConversationRow } from '@coachline/db/messages';

/** The other participant of a conversation. */
export const otherParticipant = (conversation: ConversationRow, userId: string) => (conversation.userA === userId ? conversation.userB : conversation.userA);

/**
 * The one conversation of the actor and another member, created on first use.
 * `field` names the input that carried the other member, for the validation error.
 */
export async function openConversation(tx: TenantTx, actor: Actor, otherUserId: string, field: string): Promise<ConversationRow> {
  if (otherUserId === actor.userId) throw new ValidationError('You cannot message yourself.', [{ path: field, message: 'Must be another member' }]);
  if (!(await isMember(tx, otherUserId))) throw new ValidationError('No such member in this organization.', [{ path: field, message: 'Unknown member' }]);
  return ensureConversation(tx, actor.userId, otherUserId);
}

/** A conversation the actor takes part in; any other is not found. */
export async function conversationOf(tx: TenantTx, actor: Actor, conversationId: string): Promise<ConversationRow> {
  const conversation = await findConversationOf(tx, conversationId, actor.userId);
  if (!conversation) throw new NotFoundError('Conversation not found.');
  return conversation;
}
