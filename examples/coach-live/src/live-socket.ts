import { io, type Socket } from 'socket.io-client';

/*
 * The page's whole socket wiring, over socket.io-client with the events typed
 * here from API.md's Live section. It is one file so that the SDK's typed
 * client (`connectLive` in @coachline/sdk) can take its place in one move.
 */

export interface LiveSet {
  id: string;
  exerciseId: string;
  reps: number;
  weightKg: number;
  rpe?: number | null;
}
export interface LiveProgress {
  completed: number;
  planned: number;
  percent: number;
}
export interface LiveRecord {
  exerciseId: string;
  kind: 'e1rm' | 'weight' | 'reps';
  value: number;
}
export interface SetCompleted {
  workoutId: string;
  set: LiveSet;
  progress: LiveProgress;
  personalRecord: LiveRecord | null;
}
export interface WorkoutStarted {
  workoutId: string;
  athleteId: string;
  title: string | null;
}

type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: { code: string; message: string } };

interface ServerToClient {
  'workout:started': (payload: WorkoutStarted) => void;
  'set:completed': (payload: SetCompleted) => void;
  'set:updated': (payload: SetCompleted) => void;
  'set:deleted': (payload: { workoutId: string; setId: string; progress: LiveProgress }) => void;
}
interface ClientToServer {
  'workout:join': (payload: { workoutId: string }, ack: (res: Ack) => void) => void;
  'auth:refresh': (payload: { token: string }, ack: (res: Ack<{ expiresAt: string }>) => void) => void;
}

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
  /** Hands a refreshed access token to the open socket, so it outlives the one it connected with. */
  refresh(token: string): void;
  close(): void;
}

/** Connects to realtime on the page's own origin (Vite forwards `/socket.io`). */
export function connectCoachSocket(token: string, handlers: CoachSocketHandlers): CoachSocket {
  let currentToken = token;
  const socket: Socket<ServerToClient, ClientToServer> = io({
    // A function, so a reconnection presents the latest token rather than the first one.
    auth: (cb) => cb({ token: currentToken }),
    transports: ['websocket'],
  });
  socket.on('connect', () => handlers.onConnected(socket.recovered));
  socket.on('disconnect', (reason) => handlers.onDisconnected(reason));
  socket.on('workout:started', (payload) => handlers.onWorkoutStarted(payload));
  socket.on('set:completed', (payload) => handlers.onSetCompleted(payload));
  socket.on('set:updated', (payload) => handlers.onSetChanged(payload.workoutId));
  socket.on('set:deleted', (payload) => handlers.onSetChanged(payload.workoutId));

  return {
    async join(workoutId) {
      const answer = await socket.emitWithAck('workout:join', { workoutId });
      if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
    },
    refresh(next) {
      currentToken = next;
      if (socket.connected) socket.emit('auth:refresh', { token: next }, () => undefined);
    },
    close: () => void socket.disconnect(),
  };
}
