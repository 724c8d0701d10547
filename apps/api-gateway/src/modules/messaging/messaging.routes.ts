import { idParams, pageOf, pageQuery } from '@coachline/domain/api/common';
import { conversationSchema, messageSchema, sendMessageBody, startConversationBody } from '@coachline/domain/api/messaging';
import type { SendMessageUseCase } from '@coachline/use-cases/messaging/send-message.use-case';
import { route, type AnyRoute } from '../../http/route';
import type { ConversationService } from './conversation.service';

export function messagingRoutes(conversations: ConversationService, sendMessage: SendMessageUseCase): AnyRoute[] {
  const tags = ['Messaging'];
  return [
    route({
      method: 'post',
      path: '/v1/conversations',
      summary: 'Open (or find) the conversation with another member',
      tags,
      access: 'message:write',
      body: startConversationBody,
      responses: { 201: { description: 'The conversation', schema: conversationSchema } },
      handler: async ({ actor, body }) => ({ status: 201, body: await conversations.open(actor, body.userId) }),
    }),
    route({
      method: 'get',
      path: '/v1/conversations',
      summary: "The caller's conversations, newest first",
      tags,
      access: 'message:read',
      query: pageQuery,
      responses: { 200: { description: 'Conversations', schema: pageOf(conversationSchema) } },
      handler: async ({ actor, query }) => ({ status: 200, body: await conversations.list(actor, query) }),
    }),
    route({
      method: 'get',
      path: '/v1/conversations/:id/messages',
      summary: 'Messages of a conversation, newest first',
      tags,
      access: 'message:read',
      params: idParams,
      query: pageQuery,
      responses: { 200: { description: 'Messages', schema: pageOf(messageSchema) } },
      handler: async ({ actor, params, query }) => ({ status: 200, body: await conversations.messages(actor, params.id, query) }),
    }),
    route({
      method: 'post',
      path: '/v1/conversations/:id/messages',
      summary: 'Send a message; the recipient gets message:new live',
      tags,
      access: 'message:write',
      params: idParams,
      body: sendMessageBody,
      deferInput: true,
      responses: { 201: { description: 'Sent', schema: messageSchema } },
      handler: async ({ actor, params, body }) => ({ status: 201, body: await sendMessage.execute(actor, { conversationId: params.id }, body) }),
    }),
  ];
}
