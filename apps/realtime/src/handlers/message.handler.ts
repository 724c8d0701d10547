import { messageSendSchema } from '@coachline/domain/socket';
import type { Logger } from '@coachline/runtime/logger';
import type { SendMessageUseCase } from '@coachline/use-cases/messaging/send-message.use-case';
import { handler } from '../ack';
import type { LiveSocket } from '../socket-types';

/** `message:send`: stored with its outbox event, then delivered live to the recipient's connections. */
export function registerMessageHandlers(socket: LiveSocket, sendMessage: SendMessageUseCase, logger: Logger): void {
  socket.on(
    'message:send',
    handler(socket, logger, 'message:send', messageSendSchema, async ({ toUserId, ...input }, actor) => ({
      message: await sendMessage.execute(actor, { toUserId }, () => input),
    })),
  );
}
