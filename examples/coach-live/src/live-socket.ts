import { connectLive, type CoachlineClient, type ServerEvents } from '@coachline/sdk';

/*
 * The page's socket wiring, over the SDK's typed live socket (`connectLive`):
 * it carries the session's token, hands every refreshed one over with
 * `auth:refresh`, and joins its workouts again after a reconnection that
 * Socket.io could not recover.
 */

export type SetCompleted = ServerEvents['set:completed'];
export type WorkoutStarted = ServerEvents['workout:started'];
export type LiveSet = SetCompleted['set'];
export type LiveProgress = SetCompleted['progress'];
export type LiveRecord = NonNullable<SetCompleted['personalRecord']>;

export interface CoachSocketHandlers {
  onWorkoutStarted(payload: WorkoutStarted): void;
  onSetCompleted(payload: SetCompleted): void;
  /** A set was corrected or deleted: the page reads the workout again. */
  onSetChanged(workoutId: string): void;
  /** Connected (again): `recovered` says whether Socket.io's recovery replayed what was missed, rooms included. */
  onConnected(recovered: boolean): void;
  onDisconnected(reason: string): void;
}

export interface CoachSocket {
  /** Joins a workout's room; coaches hear its sets only after joining. */
  join(workoutId: string): Promise<void>;
  close(): void;
}

/** Connects to realtime on the page's own origin (Vite forwards `/socket.io`). */
export function connectCoachSocket(client: CoachlineClient, handlers: CoachSocketHandlers): CoachSocket {
  const live = connectLive(client, { url: window.location.origin, socketOptions: { transports: ['websocket'] } });
  live.socket.on('connect', () => handlers.onConnected(live.socket.recovered));
  live.socket.on('disconnect', (reason) => handlers.onDisconnected(reason));
  live.on('workout:started', (payload) => handlers.onWorkoutStarted(payload));
  live.on('set:completed', (payload) => handlers.onSetCompleted(payload));
  live.on('set:updated', (payload) => handlers.onSetChanged(payload.workoutId));
  live.on('set:deleted', (payload) => handlers.onSetChanged(payload.workoutId));
  return {
    async join(workoutId) {
      await live.request('workout:join', { workoutId });
    },
    close: () => live.close(),
  };
}
