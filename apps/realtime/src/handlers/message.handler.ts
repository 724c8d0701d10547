import { messageSendSchema } from '@coachline/domain/socket';
import type { SendMessageUseCase } from '@coachline/use-cases/messaging/send-message.use-case';
import { handler, type HandlerDeps } from '../ack';
import type { LiveSocket } from '../socket-types';

/** `message:send`: stored with its outbox event, then delivered live to the recipient's connections. */
export function registerMessageHandlers(socket: LiveSocket, sendMessage: SendMessageUseCase, deps: HandlerDeps): void {
  socket.on(
    'message:send',
    handler(socket, deps, 'message:send', messageSendSchema, async ({ toUserId, ...input }, actor) => ({
      message: await sendMessage.execute(actor, { toUserId }, () => input),
    })),
  );
}
