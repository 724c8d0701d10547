import type { Database } from '@coachline/db/database';
import { sendMessage } from '@coachline/db/messages';
import { messageSendSchema, rooms } from '@coachline/domain/socket';
import type { Logger } from '@coachline/runtime/logger';
import { currentTraceparent } from '@coachline/runtime/tracing';
import { handler } from '../ack';
import type { LiveServer, LiveSocket } from '../socket-types';

/** `message:send`: stored with its outbox event, then delivered live to the recipient's connections. */
export function registerMessageHandlers(io: LiveServer, socket: LiveSocket, db: Database, logger: Logger): void {
  socket.on(
    'message:send',
    handler(socket, logger, 'message:send', messageSendSchema, async (input, requestId) => {
      const { tenantId, userId } = socket.data;
      const { toUserId, ...message } = await db.withTenant({ tenantId, requestId, traceparent: currentTraceparent() }, (tx) => sendMessage(tx, { tenantId, userId, requestId }, input));
      io.to(rooms.user(tenantId, toUserId)).emit('message:new', message);
      return { message };
    }),
  );
}
