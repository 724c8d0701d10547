import { z } from 'zod';
import { freeText, problemSchema, uuid } from './common';
import { messageSchema } from './messaging';
import { notificationSchema } from './notifications';
import { coachingSessionSchema } from './scheduling';
import {
  assignmentSchema,
  bodyMetricBody,
  bodyMetricSchema,
  exerciseSchema,
  loggedSetSchema,
  logSetBody,
  programSchema,
  repsNumber,
  rpeNumber,
  weightKg,
  workoutBody,
  workoutSchema,
} from './training';

/** The entities the change feed carries. */
export const SYNC_ENTITIES = ['workout', 'set', 'program', 'assignment', 'message', 'notification', 'session', 'body_metric', 'exercise'] as const;
export type SyncEntity = (typeof SYNC_ENTITIES)[number];

/** The mutations an offline client may queue. */
export const SYNC_MUTATION_TYPES = ['workout.start', 'set.log', 'set.update', 'set.delete', 'workout.complete', 'message.send', 'body_metric.add'] as const;
export type SyncMutationType = (typeof SYNC_MUTATION_TYPES)[number];

/** A logged set in the feed: the set as a workout lists it, with its workout. */
export const syncSetSchema = loggedSetSchema.extend({ workoutId: uuid }).meta({ id: 'SyncSet' });

/** Each entity's `data`: the shape of that entity's REST read. */
export const SYNC_ENTITY_SCHEMAS = {
  workout: workoutSchema,
  set: syncSetSchema,
  program: programSchema,
  assignment: assignmentSchema,
  message: messageSchema,
  notification: notificationSchema,
  session: coachingSessionSchema,
  body_metric: bodyMetricSchema,
  exercise: exerciseSchema,
} as const satisfies Record<SyncEntity, z.ZodType>;

export const SYNC_LIMITS = { changesDefault: 500, changesMax: 1000, mutationsMax: 500 } as const;

export const syncChangesQuery = z.object({
  since: z.string().min(1).max(512).optional().meta({ description: 'The nextCursor of the previous call; absent for a full snapshot' }),
  limit: z.coerce.number().int().min(1).max(SYNC_LIMITS.changesMax).default(SYNC_LIMITS.changesDefault),
});

const changeOf = <E extends SyncEntity>(entity: E) =>
  z.object({
    entity: z.literal(entity),
    op: z.enum(['upsert', 'delete']),
    id: uuid,
    data: SYNC_ENTITY_SCHEMAS[entity].optional().meta({ description: 'Present on upserts' }),
  });

export const syncChangeSchema = z
  .discriminatedUnion('entity', [
    changeOf('workout'),
    changeOf('set'),
    changeOf('program'),
    changeOf('assignment'),
    changeOf('message'),
    changeOf('notification'),
    changeOf('session'),
    changeOf('body_metric'),
    changeOf('exercise'),
  ])
  .meta({ id: 'SyncChange' });

export const syncChangesSchema = z
  .object({
    changes: z.array(syncChangeSchema).meta({ description: 'Oldest first; at most one entry per entity' }),
    nextCursor: z.string().meta({ description: 'Always present: send it as `since` on the next call' }),
    hasMore: z.boolean(),
  })
  .meta({ id: 'SyncChanges' });

/** `workout.start`: POST /v1/workouts with the client's id. */
export const workoutStartPayload = workoutBody.extend({ id: uuid });
/** `set.log`: POST /v1/workouts/:workoutId/sets with the client's id. */
export const setLogPayload = logSetBody.extend({ id: uuid, workoutId: uuid });
/** `set.update`: PATCH /v1/workouts/:workoutId/sets/:setId. */
export const setUpdatePayload = z
  .strictObject({ workoutId: uuid, setId: uuid, reps: repsNumber.optional(), weightKg: weightKg.optional(), rpe: rpeNumber.nullable().optional() })
  .refine((body) => body.reps !== undefined || body.weightKg !== undefined || body.rpe !== undefined, { message: 'Send at least one of reps, weightKg, rpe' });
/** `set.delete`: DELETE /v1/workouts/:workoutId/sets/:setId. */
export const setDeletePayload = z.strictObject({ workoutId: uuid, setId: uuid });
/** `workout.complete`: POST /v1/workouts/:workoutId/complete. */
export const workoutCompletePayload = z.strictObject({ workoutId: uuid });
/** `message.send`: a message to a member, as the socket's `message:send`, with the client's id. */
export const messageSendPayload = z.strictObject({ id: uuid, toUserId: uuid, body: freeText, workoutId: uuid.optional() });
/** `body_metric.add`: POST /v1/body-metrics with the client's id. */
export const bodyMetricAddPayload = bodyMetricBody.extend({ id: uuid });

/** Each mutation type's payload; the fields that name the path's resource are judged before the rest, as in REST. */
export const SYNC_MUTATION_PAYLOADS = {
  'workout.start': workoutStartPayload,
  'set.log': setLogPayload,
  'set.update': setUpdatePayload,
  'set.delete': setDeletePayload,
  'workout.complete': workoutCompletePayload,
  'message.send': messageSendPayload,
  'body_metric.add': bodyMetricAddPayload,
} as const satisfies Record<SyncMutationType, z.ZodType>;

/** A client's id for a mutation: any string it keeps, unique among its own mutations. */
export const clientMutationId = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:-]+$/, 'Only A-Za-z0-9._:- are allowed');

export const syncMutationsBody = z
  .strictObject({
    mutations: z
      .array(
        z.strictObject({
          clientMutationId,
          type: z.enum(SYNC_MUTATION_TYPES),
          payload: z.record(z.string(), z.unknown()).meta({
            description: "The body of the matching REST call, with the client's ids and the path's ids as fields; judged per mutation, so a bad payload rejects only its mutation",
          }),
        }),
      )
      .min(1)
      .max(SYNC_LIMITS.mutationsMax),
  })
  .meta({
    id: 'SyncMutationsRequest',
    examples: [
      {
        mutations: [
          { clientMutationId: 'm-1', type: 'workout.start', payload: { id: '0190f3a0-7b1c-7d2e-8f3a-4b5c6d7e8f90', title: 'Push day' } },
          {
            clientMutationId: 'm-2',
            type: 'set.log',
            payload: { id: '0190f3a0-7b1c-7d2e-8f3a-4b5c6d7e8f91', workoutId: '0190f3a0-7b1c-7d2e-8f3a-4b5c6d7e8f90', exerciseId: '3f1c2a9e-6b4d-4f0a-9c1e-2d3b4a5c6d7e', reps: 5, weightKg: 100 },
          },
        ],
      },
    ],
  });

export const syncMutationResultSchema = z
  .object({
    clientMutationId: z.string(),
    status: z.enum(['applied', 'duplicate', 'rejected']),
    error: problemSchema.optional().meta({ description: "Why a rejected mutation was refused: the matching REST call's problem" }),
    data: z.unknown().optional().meta({ description: "The matching REST call's answer (for a duplicate, the answer it got when applied)" }),
  })
  .meta({ id: 'SyncMutationResult' });

export const syncMutationsSchema = z.object({ results: z.array(syncMutationResultSchema) }).meta({ id: 'SyncMutationsResult' });
