import { z } from 'zod';
import { freeText, uuid } from './common';

export const startConversationBody = z.strictObject({ userId: uuid }).meta({ id: 'StartConversationRequest' });

export const sendMessageBody = z.strictObject({ body: freeText, workoutId: uuid.optional() }).meta({ id: 'SendMessageRequest', examples: [{ body: 'Great depth on that last squat set.' }] });

export const conversationSchema = z
  .object({ id: uuid, participantIds: z.array(uuid), otherUserId: uuid, createdAt: z.string(), lastMessageAt: z.string().nullable() })
  .meta({ id: 'Conversation' });

export const messageSchema = z
  .object({ id: uuid, conversationId: uuid, fromUserId: uuid, body: z.string(), workoutId: uuid.nullable(), createdAt: z.string() })
  .meta({ id: 'Message' });
