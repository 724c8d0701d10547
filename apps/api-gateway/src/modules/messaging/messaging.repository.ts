import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { Tx } from '@coachline/db/database';
import { conversations, messages } from '@coachline/db/schema/index';

export async function listConversations(tx: Tx, tenantId: string, userId: string, limit: number, beforeId?: string) {
  return tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.tenantId, tenantId), or(eq(conversations.userA, userId), eq(conversations.userB, userId)), beforeId ? lt(conversations.id, beforeId) : undefined))
    .orderBy(desc(conversations.id))
    .limit(limit + 1);
}

export async function listMessages(tx: Tx, tenantId: string, conversationId: string, limit: number, beforeId?: string) {
  return tx
    .select()
    .from(messages)
    .where(and(eq(messages.tenantId, tenantId), eq(messages.conversationId, conversationId), beforeId ? lt(messages.id, beforeId) : undefined))
    .orderBy(desc(messages.id))
    .limit(limit + 1);
}
