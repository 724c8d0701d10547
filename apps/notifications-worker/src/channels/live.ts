import { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from 'ioredis';
import { rooms, type LiveNotification, type ServerToClientEvents } from '@coachline/domain/socket';

export interface LiveDelivery {
  notify(tenantId: string, userId: string, notification: LiveNotification): void;
}

/** `notification:new` to a user's connections on any realtime server, through the Socket.io Redis adapter's channel. */
export function createLiveDelivery(redis: Redis): LiveDelivery {
  const emitter = new Emitter<ServerToClientEvents>(redis);
  return {
    notify(tenantId, userId, notification) {
      emitter.to(rooms.user(tenantId, userId)).emit('notification:new', notification);
    },
  };
}
