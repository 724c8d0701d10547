import { Emitter } from '@socket.io/redis-emitter';
import type { ServerToClientEvents } from '@coachline/domain/socket';
import type { Redis } from 'ioredis';

export type LiveEmitter = Emitter<ServerToClientEvents>;

/**
 * Broadcasts to Socket.io rooms from any process, through the realtime servers'
 * Redis adapter. Live updates follow a commit and are best effort: the emitter
 * publishes without awaiting, so a failed publish is reported, never thrown.
 */
export function createLiveEmitter(redis: Redis, onError: (error: Error) => void): LiveEmitter {
  const publisher = {
    publish: (channel: string, message: string | Buffer) =>
      redis.publish(channel, message).catch((error: Error) => {
        onError(error);
        return 0;
      }),
  };
  return new Emitter<ServerToClientEvents>(publisher);
}
