import { z } from 'zod';
import { messageSchema } from './api/messaging';
import { notificationSchema } from './api/notifications';
import { loggedSetSchema, logSetResultSchema, personalRecordHitSchema, progressSchema } from './api/training';
import { ERROR_CODES } from './errors';

/*
 * The socket contract, written once: every client event with its payload and
 * acknowledgement, every server event with its payload. The realtime handlers
 * validate with these schemas, the TypeScript event maps below are inferred
 * from them, and the gateway's AsyncAPI document (/asyncapi.json) is generated
 * from them, so the three cannot drift apart.
 */

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

/** What the handshake carries: `io(url, { auth: { token } })`; an `Authorization: Bearer` header is taken too. */
export const handshakeAuthSchema = z.strictObject({ token: z.string().min(1).max(4096).meta({ description: 'An access token (the JWT that POST /v1/auth/login or /v1/auth/refresh answers).' }) }).meta({ id: 'HandshakeAuth' });

export const ackErrorSchema = z
  .object({ ok: z.literal(false), error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }) })
  .meta({ id: 'AckError', description: 'The event was refused; `code` is the same stable code HTTP problems carry.' });

/** The acknowledgement of an event whose success carries `fields`: `{ ok: true, ...fields }` or `{ ok: false, error }`. */
function acknowledgement<T extends z.ZodRawShape>(fields: T) {
  return z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), ...fields }), ackErrorSchema]);
}

const setBroadcastSchema = z.object({ workoutId: z.uuid(), set: loggedSetSchema, progress: progressSchema, personalRecord: personalRecordHitSchema.nullable() });

export const liveNotificationSchema = notificationSchema.pick({ id: true, type: true, title: true, body: true, data: true }).meta({ id: 'LiveNotification' });
export const generationProgressSchema = z.object({ jobId: z.uuid(), progress: z.number().int().min(0).max(100) }).meta({ id: 'GenerationProgress' });
export const generationCompletedSchema = z.object({ jobId: z.uuid(), programId: z.uuid() }).meta({ id: 'GenerationCompleted' });

interface ClientEventContract {
  description: string;
  payload: z.ZodType;
  ack: z.ZodType;
}
interface ServerEventContract {
  description: string;
  payload: z.ZodType;
}

/** Events the client sends, each answered through Socket.io's acknowledgement callback. */
export const clientEvents = {
  'workout:join': {
    description: "Watches a workout: its room's events (`set:completed`, `set:updated`, `set:deleted`) reach this socket. For the workout's athlete and the tenant's COACH/ADMIN; others get FORBIDDEN or NOT_FOUND.",
    payload: workoutJoinSchema,
    ack: acknowledgement({}),
  },
  'workout:leave': {
    description: 'Stops watching a workout.',
    payload: workoutLeaveSchema,
    ack: acknowledgement({}),
  },
  'set:complete': {
    description: 'Logs a set, as POST /v1/workouts/:id/sets does; the workout\'s room then gets `set:completed`. An `id` made by the client makes a retry safe.',
    payload: setCompleteSchema,
    ack: acknowledgement(logSetResultSchema.shape),
  },
  'message:send': {
    description: "Sends a direct message; the recipient's connections get `message:new`.",
    payload: messageSendSchema,
    ack: acknowledgement({ message: messageSchema }),
  },
  'auth:refresh': {
    description: 'A valid access token of the same user and tenant: the socket then lives until its expiry (ISO 8601 in the ack) instead of being closed when the token it connected with expires.',
    payload: authRefreshSchema,
    ack: acknowledgement({ expiresAt: z.string().meta({ description: 'When the socket closes unless refreshed again (ISO 8601).' }) }),
  },
} satisfies Record<string, ClientEventContract>;

/** Events the server sends. */
export const serverEvents = {
  'set:completed': {
    description: "To the workout's room: a set was logged (over the socket, REST or offline sync).",
    payload: setBroadcastSchema,
  },
  'set:updated': {
    description: "To the workout's room: a logged set was corrected; records were judged again, `personalRecord` is the one the set holds now.",
    payload: setBroadcastSchema,
  },
  'set:deleted': {
    description: "To the workout's room: a logged set was deleted; records were judged again without it.",
    payload: z.object({ workoutId: z.uuid(), setId: z.uuid(), progress: progressSchema }),
  },
  'message:new': {
    description: "To the recipient's connections: a direct message, sent over the socket or HTTP.",
    payload: messageSchema,
  },
  'notification:new': {
    description: "To a user's connections: a notification was created for them.",
    payload: liveNotificationSchema,
  },
  'presence:update': {
    description: "To the tenant's coaches: a member came online or went offline.",
    payload: z.object({ userId: z.uuid(), online: z.boolean() }),
  },
  'workout:started': {
    description: "To the tenant's coaches: an athlete started a workout.",
    payload: z.object({ workoutId: z.uuid(), athleteId: z.uuid(), title: z.string().nullable() }),
  },
  'generation:progress': {
    description: 'To the requester: a program generation moved on; `progress` is 0..100.',
    payload: generationProgressSchema,
  },
  'generation:completed': {
    description: 'To the requester: a program generation finished; the program is an ordinary one (GET /v1/programs/:id).',
    payload: generationCompletedSchema,
  },
  'generation:failed': {
    description: 'To the requester: a program generation could not make a program (nothing in the library fits); `error` says why.',
    payload: z.object({ jobId: z.uuid(), error: z.string() }),
  },
} satisfies Record<string, ServerEventContract>;

export type ClientEventName = keyof typeof clientEvents;
export type ServerEventName = keyof typeof serverEvents;
/** What a client sends with an event (before the server's parsing). */
export type ClientPayload<E extends ClientEventName> = z.input<(typeof clientEvents)[E]['payload']>;
/** The acknowledgement of a client event, success or error. */
export type AckOf<E extends ClientEventName> = z.output<(typeof clientEvents)[E]['ack']>;
export type ServerPayload<E extends ServerEventName> = z.output<(typeof serverEvents)[E]['payload']>;

export type AckError = z.output<typeof ackErrorSchema>;
/** Acknowledgement every client event receives. */
export type Ack<T extends object = object> = ({ ok: true } & T) | AckError;

/** The event map a client's socket is typed with: payloads as sent, acks as answered. */
export type ClientToServerEvents = { [E in ClientEventName]: (payload: ClientPayload<E>, ack: (res: AckOf<E>) => void) => void };
/** The same events as the server receives them: nothing is known of a payload until its schema parsed it. */
export type ClientToServerEventsReceived = { [E in ClientEventName]: (payload: unknown, ack: (res: AckOf<E>) => void) => void };
export type ServerToClientEvents = { [E in ServerEventName]: (payload: ServerPayload<E>) => void };

export type LoggedSet = z.output<typeof loggedSetSchema>;
export type WorkoutProgress = z.output<typeof progressSchema>;
export type PersonalRecordHit = z.output<typeof personalRecordHitSchema>;
export type ChatMessage = z.output<typeof messageSchema>;
export type LiveNotification = z.output<typeof liveNotificationSchema>;
export type GenerationProgress = z.output<typeof generationProgressSchema>;
export type GenerationCompleted = z.output<typeof generationCompletedSchema>;

/** Room names, built in one place so emitters and servers agree. */
export const rooms = {
  user: (tenantId: string, userId: string) => `t:${tenantId}:user:${userId}`,
  workout: (tenantId: string, workoutId: string) => `t:${tenantId}:workout:${workoutId}`,
  coaches: (tenantId: string) => `t:${tenantId}:coaches`,
  /** The sockets of one session (a refresh-token family), to close when the session ends. */
  session: (tenantId: string, sessionId: string) => `t:${tenantId}:session:${sessionId}`,
};
