import { refreshExerciseDay } from '@coachline/db/analytics-rollups';
import { emit } from '@coachline/db/outbox';
import type { TenantTx } from '@coachline/db/database';
import { recomputeRecords, recordsOfWorkout, storeSummary, workoutProgress, workoutTotals, type WorkoutRow } from '@coachline/db/workout-sets';
import type { Progress } from '@coachline/domain/training-rules';
import { roundKg } from '@coachline/domain/training-rules';

/**
 * What follows a corrected or deleted set, for both use cases: the exercise's
 * records judged again, the set's day of the exercise rolled up again, a
 * completed workout's stored summary brought up to date, and the analytics
 * told which days changed. Runs under the workout's
 * row lock and the records lock, in the correction's transaction.
 */
export async function settleCorrection(
  tx: TenantTx,
  workout: WorkoutRow,
  set: { id: string; exerciseId: string; loggedAt: Date },
  event: 'workout.set_updated' | 'workout.set_deleted',
): Promise<Progress> {
  const recordsChangedAt = await recomputeRecords(tx, workout.athleteId, set.exerciseId);
  await refreshExerciseDay(tx, workout.athleteId, set.exerciseId, set.loggedAt);
  if (workout.status === 'completed' && workout.summary) {
    const totals = await workoutTotals(tx, workout.id);
    const previous = workout.summary as { durationSeconds?: number };
    await storeSummary(tx, workout.id, {
      sets: totals.sets,
      volumeKg: roundKg(totals.volumeKg),
      durationSeconds: previous.durationSeconds ?? 0,
      personalRecords: await recordsOfWorkout(tx, workout.id),
    });
  }
  const affectedAt = [set.loggedAt, ...(workout.completedAt ? [workout.completedAt] : []), ...recordsChangedAt].map((at) => at.toISOString());
  await emit(tx, event, { setId: set.id, workoutId: workout.id, athleteId: workout.athleteId, exerciseId: set.exerciseId, affectedAt: [...new Set(affectedAt)] });
  return workoutProgress(tx, workout.id);
}
