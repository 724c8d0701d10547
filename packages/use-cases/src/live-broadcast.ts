import { logFieldsOf, type Actor } from '@coachline/domain/actor';
import type { ServerToClientEvents } from '@coachline/domain/socket';
import type { Logger } from '@coachline/runtime/logger';

/**
 * Where a use case announces what it committed to Socket.io rooms. Socket.io's
 * server (in realtime) and the Redis emitter (anywhere else) both satisfy it,
 * so a use case broadcasts the same way whichever transport called it.
 */
export interface LiveBroadcast {
  to(room: string): { emit<E extends keyof ServerToClientEvents>(event: E, ...payload: Parameters<ServerToClientEvents[E]>): unknown };
}

/**
 * Called after commit, so watchers never see a change that was rolled back.
 * Best effort: the change stands whatever happens here, so a failure is
 * logged, never thrown at the caller.
 */
export function broadcast<E extends keyof ServerToClientEvents>(
  live: LiveBroadcast,
  logger: Logger,
  actor: Actor,
  room: string,
  event: E,
  ...payload: Parameters<ServerToClientEvents[E]>
): void {
  try {
    live.to(room).emit(event, ...payload);
  } catch (error) {
    logger.warn('live broadcast failed', { ...logFieldsOf(actor), event, error: (error as Error).message });
  }
}
