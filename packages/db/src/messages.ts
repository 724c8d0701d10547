import { and, eq, or } from 'drizzle-orm';
import type { NewRow, TenantTx } from './database';
import { newId } from './ids';
import { conversations, messages, workouts } from './schema/index';

export type ConversationRow = typeof conversations.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;

/** The one conversation of two members, created on first use; it is stored with the pair in order, so either may open it. */
export async function ensureConversation(tx: TenantTx, oneUserId: string, otherUserId: string): Promise<ConversationRow> {
  const { tenantId } = tx.scope;
  const [userA, userB] = [oneUserId, otherUserId].sort() as [string, string];
  await tx.insert(conversations).values({ tenantId, id: newId(), userA, userB }).onConflictDoNothing();
  const [conversation] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.tenantId, tenantId), eq(conversations.userA, userA), eq(conversations.userB, userB)));
  return conversation!;
}

/** The conversation if `userId` takes part in it. */
export async function findConversationOf(tx: TenantTx, conversationId: string, userId: string): Promise<ConversationRow | undefined> {
  const [conversation] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.tenantId, tx.scope.tenantId), eq(conversations.id, conversationId), or(eq(conversations.userA, userId), eq(conversations.userB, userId))));
  return conversation;
}

export async function workoutExists(tx: TenantTx, workoutId: string): Promise<boolean> {
  const [workout] = await tx
    .select({ id: workouts.id })
    .from(workouts)
    .where(and(eq(workouts.tenantId, tx.scope.tenantId), eq(workouts.id, workoutId)));
  return workout !== undefined;
}

export async function findMessage(tx: TenantTx, messageId: string): Promise<MessageRow | undefined> {
  const [row] = await tx
    .select()
    .from(messages)
    .where(and(eq(messages.tenantId, tx.scope.tenantId), eq(messages.id, messageId)));
  return row;
}

/** Stores a message and moves its conversation's last activity to it. */
export async function appendMessage(tx: TenantTx, row: NewRow<typeof messages>): Promise<MessageRow> {
  const { tenantId } = tx.scope;
  const [stored] = await tx
    .insert(messages)
    .values({ ...row, tenantId })
    .returning();
  await tx
    .update(conversations)
    .set({ lastMessageAt: stored!.createdAt })
    .where(and(eq(conversations.tenantId, tenantId), eq(conversations.id, row.conversationId)));
  return stored!;
}
