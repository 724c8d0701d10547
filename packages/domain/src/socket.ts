import { z } from 'zod';
import type { ErrorCode } from './errors';

/** Acknowledgement every client event receives. */
export type Ack<T extends object = object> =
  | ({ ok: true } & T)
  | { ok: false; error: { code: ErrorCode; message: string } };

export const workoutJoinSchema = z.strictObject({ workoutId: z.uuid() });

export const workoutLeaveSchema = z.strictObject({ workoutId: z.uuid() });

/** A fresh access token for an open socket, so it outlives the token it connected with. */
export const authRefreshSchema = z.strictObject({ token: z.string().min(1).max(4096) });

export const setCompleteSchema = z.strictObject({
  id: z.uuid().optional(),
  workoutId: z.uuid(),
  exerciseId: z.uuid(),
  reps: z.number().int().min(0).max(1000),
  weightKg: z.number().min(0).max(1000),
  rpe: z.number().min(1).max(10).optional(),
  plannedSetId: z.uuid().optional(),
});

export const messageSendSchema = z.strictObject({
  toUserId: z.uuid(),
  body: z.string().trim().min(1).max(10_000),
  workoutId: z.uuid().optional(),
});

export interface LoggedSet {
  id: string;
  exerciseId: string;
  reps: number;
  weightKg: number;
  rpe?: number | null;
}
export interface WorkoutProgress {
  completed: number;
  planned: number;
  percent: number;
}
export interface PersonalRecordHit {
  exerciseId: string;
  kind: 'e1rm' | 'weight' | 'reps';
  value: number;
}
export interface ChatMessage {
  id: string;
  conversationId: string;
  fromUserId: string;
  body: string;
  createdAt: string;
  workoutId?: string | null;
}
export interface LiveNotification {
  id: string;
  type: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

/** Events the client sends, each with an acknowledgement. */
export interface ClientToServerEvents {
  'workout:join': (payload: unknown, ack: (res: Ack) => void) => void;
  'set:complete': (payload: unknown, ack: (res: Ack<{ set: LoggedSet; progress: WorkoutProgress }>) => void) => void;
  'message:send': (payload: unknown, ack: (res: Ack<{ message: ChatMessage }>) => void) => void;
  /** Stops watching a workout. */
  'workout:leave': (payload: unknown, ack: (res: Ack) => void) => void;
  /** A valid access token of the same user and tenant: the socket then lives until its expiry (ISO 8601 in the ack). */
  'auth:refresh': (payload: unknown, ack: (res: Ack<{ expiresAt: string }>) => void) => void;
}

/** Events the server sends. */
export interface ServerToClientEvents {
  'set:completed': (payload: {
    workoutId: string;
    set: LoggedSet;
    progress: WorkoutProgress;
    personalRecord: PersonalRecordHit | null;
  }) => void;
  /** A logged set was corrected; records were judged again, `personalRecord` is the one the set holds now. */
  'set:updated': (payload: {
    workoutId: string;
    set: LoggedSet;
    progress: WorkoutProgress;
    personalRecord: PersonalRecordHit | null;
  }) => void;
  /** A logged set was deleted; records were judged again without it. */
  'set:deleted': (payload: { workoutId: string; setId: string; progress: WorkoutProgress }) => void;
  'message:new': (payload: ChatMessage) => void;
  'notification:new': (payload: LiveNotification) => void;
  'presence:update': (payload: { userId: string; online: boolean }) => void;
  /** To the tenant's coaches: an athlete started a workout. */
  'workout:started': (payload: { workoutId: string; athleteId: string; title: string | null }) => void;
  /** A program generation the user asked for moved on; `progress` is 0..100. */
  'generation:progress': (payload: GenerationProgress) => void;
  /** A program generation the user asked for finished; the program is an ordinary one (GET /v1/programs/:id). */
  'generation:completed': (payload: GenerationCompleted) => void;
  /** A program generation the user asked for could not make a program (nothing in the library fits); `error` says why. */
  'generation:failed': (payload: { jobId: string; error: string }) => void;
}

export interface GenerationProgress {
  jobId: string;
  progress: number;
}
export interface GenerationCompleted {
  jobId: string;
  programId: string;
}

/** Room names, built in one place so emitters and servers agree. */
export const rooms = {
  user: (tenantId: string, userId: string) => `t:${tenantId}:user:${userId}`,
  workout: (tenantId: string, workoutId: string) => `t:${tenantId}:workout:${workoutId}`,
  coaches: (tenantId: string) => `t:${tenantId}:coaches`,
  /** The sockets of one session (a refresh-token family), to close when the session ends. */
  session: (tenantId: string, sessionId: string) => `t:${tenantId}:session:${sessionId}`,
};
