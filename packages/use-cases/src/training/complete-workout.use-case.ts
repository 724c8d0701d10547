import { recordAudit } from '@coachline/db/audit';
import type { Database } from '@coachline/db/database';
import { emit } from '@coachline/db/outbox';
import { recordsOfWorkout, workoutTotals } from '@coachline/db/workout-sets';
import { markCompleted } from '@coachline/db/workouts';
import type { Actor } from '@coachline/domain/actor';
import { ConflictError } from '@coachline/domain/errors';
import { roundKg } from '@coachline/domain/training-rules';
import { workoutFor } from './workout-access';

/**
 * Completes a workout with its summary: POST /v1/workouts/:id/complete and the
 * `workout.complete` sync mutation. The workout row is locked, so a set logged
 * at the same moment is either in the summary or refused.
 */
export class CompleteWorkoutUseCase {
  constructor(private readonly db: Database) {}

  async execute(actor: Actor, workoutId: string) {
    return this.db.withTenant(actor, async (tx) => {
      const workout = await workoutFor(tx, actor, workoutId, 'write', true);
      if (workout.status === 'completed') throw new ConflictError('The workout is already completed.');
      const completedAt = new Date();
      const totals = await workoutTotals(tx, workoutId);
      const summary = {
        sets: totals.sets,
        volumeKg: roundKg(totals.volumeKg),
        durationSeconds: Math.max(0, Math.round((completedAt.getTime() - workout.startedAt.getTime()) / 1000)),
        personalRecords: await recordsOfWorkout(tx, workoutId),
      };
      await markCompleted(tx, workoutId, completedAt, summary);
      await emit(tx, 'workout.completed', {
        workoutId,
        athleteId: workout.athleteId,
        actorId: actor.userId,
        sets: summary.sets,
        volumeKg: summary.volumeKg,
        durationSeconds: summary.durationSeconds,
        startedAt: workout.startedAt.toISOString(),
        completedAt: completedAt.toISOString(),
      });
      await recordAudit(tx, { actorId: actor.userId, action: 'workout.completed', entityType: 'workout', entityId: workoutId, summary: { sets: summary.sets, volumeKg: summary.volumeKg } });
      return { id: workoutId, status: 'completed' as const, completedAt: completedAt.toISOString(), summary };
    });
  }
}
