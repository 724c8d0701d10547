import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { TenantTx } from '@coachline/db/database';
import { conversations, messages } from '@coachline/db/schema/index';

export async function listConversations(tx: TenantTx, userId: string, limit: number, beforeId?: string) {
  return tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.tenantId, tx.scope.tenantId), or(eq(conversations.userA, userId), eq(conversations.userB, userId)), beforeId ? lt(conversations.id, beforeId) : undefined))
    .orderBy(desc(conversations.id))
    .limit(limit + 1);
}

export async function listMessages(tx: TenantTx, conversationId: string, limit: number, beforeId?: string) {
  return tx
    .select()
    .from(messages)
    .where(and(eq(messages.tenantId, tx.scope.tenantId), eq(messages.conversationId, conversationId), beforeId ? lt(messages.id, beforeId) : undefined))
    .orderBy(desc(messages.id))
    .limit(limit + 1);
}
