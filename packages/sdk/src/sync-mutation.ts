import type { components } from './generated/openapi';

/**
 * Each mutation type's payload: the body of the matching REST call, with the
 * client's own ids (`id`, UUIDs it makes) and the path's ids as fields (API.md,
 * "Offline sync"). The document types payloads loosely, as the server judges
 * each one by its type; these types hold a queue's caller to the same shapes.
 */
export interface SyncMutationPayloads {
  'workout.start': { id: string; programId?: string; dayIndex?: number; title?: string; athleteId?: string };
  'set.log': { id: string; workoutId: string; exerciseId: string; reps: number; weightKg: number; rpe?: number; plannedSetId?: string };
  'set.update': { workoutId: string; setId: string; reps?: number; weightKg?: number; rpe?: number };
  'set.delete': { workoutId: string; setId: string };
  'workout.complete': { workoutId: string };
  'message.send': { id: string; toUserId: string; body: string; workoutId?: string };
  'body_metric.add': { id: string; weightKg: number; bodyFatPct?: number; measuredAt: string };
}

export type SyncMutationType = keyof SyncMutationPayloads & components['schemas']['SyncMutationsRequest']['mutations'][number]['type'];

/** A mutation as the queue stores and sends it; `clientMutationId` is what makes a resend harmless. */
export type QueuedMutation = {
  [T in SyncMutationType]: { clientMutationId: string; type: T; payload: SyncMutationPayloads[T]; enqueuedAt: string };
}[SyncMutationType];

export type SyncMutationResult = components['schemas']['SyncMutationResult'];
