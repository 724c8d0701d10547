import { sql } from 'drizzle-orm';
import { estimateWorkoutCalories, type ExerciseCategory } from '@coachline/domain/analytics';
import type { TenantTx } from './database';
import { newId } from './ids';
import { analyticsDailyAthlete, analyticsDailyExercise, analyticsDailyLoad } from './schema/index';

/** The UTC day of an instant, as the rollups key it. */
export const utcDay = (at: string | Date) => new Date(at).toISOString().slice(0, 10);

/** Serialises the recomputations of one athlete-day's rollups, so that two never interleave their reads and writes. */
async function lockAthleteDay(tx: TenantTx, athleteId: string, day: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`analytics:${tx.scope.tenantId}:${athleteId}:${day}`}, 0))`);
}

/**
 * Recomputes an athlete-day's per-exercise rows (every exercise's, or one's)
 * from that day's sets: daily sets, volume, best e1RM and effort. An exercise
 * whose sets of the day are all gone loses its row. Run under lockAthleteDay.
 */
async function refreshExercisesOfDay(tx: TenantTx, athleteId: string, day: string, exerciseId?: string): Promise<void> {
  const { tenantId } = tx.scope;
  const start = `${day}T00:00:00.000Z`;
  const ofExercise = exerciseId ? sql`AND exercise_id = ${exerciseId}` : sql``;
  const fresh = await tx.execute<{ exercise_id: string; sets: number; volume_kg: number; best_e1rm_kg: number; rpe_sum: number; rpe_count: number }>(sql`
    SELECT exercise_id, count(*)::int AS sets, coalesce(sum(weight_kg * reps), 0)::float8 AS volume_kg,
           -- Epley's weight × (1 + reps / 30), as weight × (30 + reps) / 30 in exact numerics.
           round(max(weight_kg * (30 + reps)) / 30, 2)::float8 AS best_e1rm_kg,
           coalesce(sum(rpe), 0)::float8 AS rpe_sum, count(rpe)::int AS rpe_count
      FROM workout_sets
     WHERE tenant_id = ${tenantId} AND athlete_id = ${athleteId} ${ofExercise}
       AND logged_at >= ${start}::timestamptz AND logged_at < ${start}::timestamptz + interval '1 day'
     GROUP BY exercise_id`);
  const kept = fresh.rows.map((r) => r.exercise_id);
  // One exercise's row is replaced by the upsert when it has sets left.
  if (!exerciseId || kept.length === 0) {
    await tx.execute(sql`
      DELETE FROM ${analyticsDailyExercise}
       WHERE tenant_id = ${tenantId} AND athlete_id = ${athleteId} AND day = ${day} ${ofExercise}
         AND exercise_id <> ALL(${`{${kept.join(',')}}`}::uuid[])`);
  }
  if (fresh.rows.length === 0) return;
  await tx
    .insert(analyticsDailyExercise)
    .values(
      fresh.rows.map((r) => ({
        tenantId,
        id: newId(),
        athleteId,
        day,
        exerciseId: r.exercise_id,
        sets: r.sets,
        volumeKg: r.volume_kg,
        bestE1rmKg: r.best_e1rm_kg,
        rpeSum: r.rpe_sum,
        rpeCount: r.rpe_count,
      })),
    )
    .onConflictDoUpdate({
      target: [analyticsDailyExercise.tenantId, analyticsDailyExercise.athleteId, analyticsDailyExercise.day, analyticsDailyExercise.exerciseId],
      set: {
        sets: sql`excluded.sets`,
        volumeKg: sql`excluded.volume_kg`,
        bestE1rmKg: sql`excluded.best_e1rm_kg`,
        rpeSum: sql`excluded.rpe_sum`,
        rpeCount: sql`excluded.rpe_count`,
      },
    });
}

/**
 * Brings the day's row of one exercise up to date after a set of it was
 * logged, corrected or deleted, in that set's transaction: progress reads the
 * rows at once, and the analytics consumer's later refresh of the whole day
 * finds them already right.
 */
export async function refreshExerciseDay(tx: TenantTx, athleteId: string, exerciseId: string, at: Date): Promise<void> {
  const day = utcDay(at);
  await lockAthleteDay(tx, athleteId, day);
  await refreshExercisesOfDay(tx, athleteId, day, exerciseId);
}

/**
 * Recomputes one athlete's rollups for one UTC day from that day's rows alone
 * (its sets, per exercise and per load, the workouts started or completed on it, its records), replacing
 * what was there. Recomputing rather than adding makes a repeated or
 * reordered event harmless, and touches one athlete-day, never a history.
 */
export async function refreshAthleteDay(tx: TenantTx, athleteId: string, day: string): Promise<void> {
  const { tenantId } = tx.scope;
  const start = `${day}T00:00:00.000Z`;
  await lockAthleteDay(tx, athleteId, day);
  await refreshExercisesOfDay(tx, athleteId, day);

  const perLoad = await tx.execute<{ exercise_id: string; weight_kg: number; sets: number; rpe_sum: number; rpe_count: number }>(sql`
    SELECT exercise_id, weight_kg::float8 AS weight_kg, count(*)::int AS sets, coalesce(sum(rpe), 0)::float8 AS rpe_sum, count(rpe)::int AS rpe_count
      FROM workout_sets
     WHERE tenant_id = ${tenantId} AND athlete_id = ${athleteId}
       AND logged_at >= ${start}::timestamptz AND logged_at < ${start}::timestamptz + interval '1 day'
     GROUP BY exercise_id, weight_kg`);

  const workoutsRows = await tx.execute<{ started: number; completed: number }>(sql`
    SELECT (SELECT count(*)::int FROM workouts WHERE tenant_id = ${tenantId} AND athlete_id = ${athleteId}
              AND started_at >= ${start}::timestamptz AND started_at < ${start}::timestamptz + interval '1 day') AS started,
           (SELECT count(*)::int FROM workouts WHERE tenant_id = ${tenantId} AND athlete_id = ${athleteId} AND status = 'completed'
              AND completed_at >= ${start}::timestamptz AND completed_at < ${start}::timestamptz + interval '1 day') AS completed`);

  const completed = await tx.execute<{ duration_seconds: number; body_weight_kg: number | null; categories: Record<ExerciseCategory, number> | null }>(sql`
    SELECT extract(epoch FROM w.completed_at - w.started_at)::float8 AS duration_seconds,
           (SELECT b.weight_kg::float8 FROM body_metrics b
             WHERE b.tenant_id = w.tenant_id AND b.user_id = w.athlete_id AND b.measured_at <= w.completed_at
             ORDER BY b.measured_at DESC LIMIT 1) AS body_weight_kg,
           (SELECT json_object_agg(c.category, c.n) FROM (
              SELECT e.category, count(*)::int AS n FROM workout_sets s
                JOIN exercises e ON e.tenant_id = s.tenant_id AND e.id = s.exercise_id
               WHERE s.tenant_id = w.tenant_id AND s.workout_id = w.id GROUP BY e.category) c) AS categories
      FROM workouts w
     WHERE w.tenant_id = ${tenantId} AND w.athlete_id = ${athleteId} AND w.status = 'completed'
       AND w.completed_at >= ${start}::timestamptz AND w.completed_at < ${start}::timestamptz + interval '1 day'`);

  const records = await tx.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM personal_records
     WHERE tenant_id = ${tenantId} AND athlete_id = ${athleteId}
       AND achieved_at >= ${start}::timestamptz AND achieved_at < ${start}::timestamptz + interval '1 day'`);

  await tx.execute(sql`DELETE FROM ${analyticsDailyLoad} WHERE tenant_id = ${tenantId} AND athlete_id = ${athleteId} AND day = ${day}`);
  await tx.execute(sql`DELETE FROM ${analyticsDailyAthlete} WHERE tenant_id = ${tenantId} AND athlete_id = ${athleteId} AND day = ${day}`);
  if (perLoad.rows.length > 0) {
    await tx.insert(analyticsDailyLoad).values(
      perLoad.rows.map((r) => ({ tenantId, id: newId(), athleteId, day, exerciseId: r.exercise_id, weightKg: r.weight_kg, sets: r.sets, rpeSum: r.rpe_sum, rpeCount: r.rpe_count })),
    );
  }
  const { started, completed: completedCount } = workoutsRows.rows[0]!;
  const personalRecords = records.rows[0]!.n;
  if (started + completedCount + personalRecords === 0) return;
  const durationSeconds = completed.rows.reduce((sum, w) => sum + Math.max(0, Math.round(w.duration_seconds)), 0);
  const caloriesKcal = completed.rows.reduce(
    (sum, w) => sum + estimateWorkoutCalories({ durationSeconds: w.duration_seconds, bodyWeightKg: w.body_weight_kg, setsByCategory: w.categories ?? {} }),
    0,
  );
  await tx.insert(analyticsDailyAthlete).values({ tenantId, id: newId(), athleteId, day, workoutsStarted: started, workoutsCompleted: completedCount, durationSeconds, caloriesKcal, personalRecords });
}
