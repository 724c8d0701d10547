import type { WorkoutRow, WorkoutSetRow } from '@coachline/db/workout-sets';
import type { BodyMetricRow, WorkoutPlannedSetRow } from '@coachline/db/workouts';

/** A workout as every read of it shows it: REST, the use cases' answers and the change feed. */
export const toWorkoutHeader = (w: WorkoutRow) => ({
  id: w.id,
  athleteId: w.athleteId,
  programId: w.programId,
  dayIndex: w.dayIndex,
  title: w.title,
  status: w.status,
  startedAt: w.startedAt.toISOString(),
  completedAt: w.completedAt?.toISOString() ?? null,
  summary: (w.summary as object | null) ?? null,
  source: w.source,
  externalId: w.externalId,
  distanceM: w.distanceM,
  durationSeconds: w.durationSeconds,
  caloriesKcal: w.caloriesKcal,
});
export const toPlannedSet = (p: Omit<WorkoutPlannedSetRow, 'tenantId' | 'workoutId'>) => ({ id: p.id, exerciseId: p.exerciseId, position: p.position, reps: p.reps, weightKg: p.weightKg, rpe: p.rpe });
export const toLoggedSet = (s: WorkoutSetRow) => ({ id: s.id, exerciseId: s.exerciseId, reps: s.reps, weightKg: s.weightKg, rpe: s.rpe, plannedSetId: s.plannedSetId, loggedAt: s.loggedAt.toISOString() });

export const toBodyMetric = (row: BodyMetricRow) => ({
  id: row.id,
  userId: row.userId,
  weightKg: row.weightKg,
  bodyFatPct: row.bodyFatPct,
  measuredAt: row.measuredAt.toISOString(),
  createdAt: row.createdAt.toISOString(),
});
