import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { ServerToClientEvents } from '@coachline/domain/socket';
import type { Redis } from 'ioredis';

/**
 * Where Socket.io's servers and every other process meet: one Redis stream
 * (the Redis Streams adapter's), so a broadcast from any process is stored
 * with an offset and a client that reconnects within the recovery window
 * gets what it missed, whichever process emitted it.
 */
export const LIVE_STREAM = {
  streamName: '{coachline}:socket.io',
  sessionKeyPrefix: '{coachline}:socket.io:session:',
  channelPrefix: '{coachline}:socket.io',
} as const;

export interface LiveStreamOptions {
  /** Entries the stream keeps (approximately): enough for the recovery window at peak traffic. */
  maxLen: number;
}

/** The adapter every realtime server uses; the emitters below write in its format. */
export function createLiveAdapter(redis: Redis, options: LiveStreamOptions) {
  // A short block keeps a closed server's reading connection from lingering for the default 5 s.
  return createAdapter(redis, { ...LIVE_STREAM, maxLen: options.maxLen, blockTimeInMs: 1_000 });
}

type Broadcast = <E extends keyof ServerToClientEvents>(event: E, ...payload: Parameters<ServerToClientEvents[E]>) => void;

/** Broadcasts to Socket.io rooms from a process that runs no Socket.io server. */
export interface LiveEmitter {
  to(room: string): { emit: Broadcast };
  in(room: string): { disconnectSockets(close?: boolean): void };
}

/** The cluster adapter's message types (socket.io-adapter's MessageType) this emitter writes. */
const BROADCAST = 3;
const DISCONNECT_SOCKETS = 6;
/** socket.io-parser's EVENT packet. */
const EVENT_PACKET = 2;
/** No adapter has this id, so every server applies what the emitter writes. */
const EMITTER_UID = 'emitter';

/**
 * The Redis Streams adapter has no emitter of its own (the Redis emitter
 * publishes on Pub/Sub, which that adapter does not read and which leaves no
 * offset to recover from), so this one appends to the adapter's stream in the
 * adapter's own encoding: what `io.to(room).emit()` on a server appends.
 * Live updates follow a commit and are best effort: a failed append is
 * reported, never thrown.
 */
export function createLiveEmitter(redis: Redis, onError: (error: Error) => void, options: LiveStreamOptions = { maxLen: 10_000 }): LiveEmitter {
  const append = (type: number, data: unknown) => {
    redis
      .xadd(LIVE_STREAM.streamName, 'MAXLEN', '~', String(options.maxLen), '*', 'uid', EMITTER_UID, 'nsp', '/', 'type', String(type), 'data', JSON.stringify(data))
      .catch((error: Error) => onError(error));
  };
  const target = (room: string) => ({ rooms: [room], except: [] as string[] });
  return {
    to: (room) => ({
      emit: (event, ...payload) => append(BROADCAST, { packet: { type: EVENT_PACKET, data: [event, ...payload], nsp: '/' }, opts: { ...target(room), flags: {} } }),
    }),
    in: (room) => ({
      disconnectSockets: (close = false) => append(DISCONNECT_SOCKETS, { opts: target(room), close }),
    }),
  };
}
