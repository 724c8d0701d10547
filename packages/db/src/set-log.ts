import type { PriorBests, Progress } from '@coachline/domain/training-rules';
import { progressOf } from '@coachline/domain/training-rules';
import { deferWrite, queryRows, type TenantTx } from './database';
import { newId } from './ids';
import type { WorkoutRow } from './workout-sets';

/**
 * Logging a set in two round trips rather than ten. The first carries BEGIN,
 * the tenant setting and two statements: one that takes the locks, then one
 * that checks, inserts and computes everything the set changes. Each statement
 * of a batch takes its own snapshot (read committed), so the second reads what
 * was committed until the locks were granted. The second trip is COMMIT with
 * the rows nobody reads back (records, outbox, audit). Both statements are
 * named, so each runs as a statement prepared once per connection.
 */

/**
 * Locks the workout row (its sets are judged one after another), then the
 * athlete's records of the exercise (which sets of other workouts may be
 * changing at once), then the athlete's rollups of today (UTC): the order the set corrections take the
 * workout, lockRecords and lockAthleteDay in. Materialized CTEs enforce it,
 * each being read only as the next needs its row, and the lock columns are
 * selected, so that no plan drops them. The keys are those lockRecords and
 * lockAthleteDay build, and the day is the transaction's: a set's logged_at
 * defaults to now(), which is one instant throughout a transaction. No
 * workout, no locks: the statement after it then finds none either.
 */
const takeLocks = {
  name: 'coachline_set_log_lock',
  text: `WITH w AS MATERIALIZED (
      SELECT athlete_id FROM workouts WHERE tenant_id = $1::uuid AND id = $2::uuid FOR UPDATE
    ), records_locked AS MATERIALIZED (
      SELECT athlete_id, pg_advisory_xact_lock(hashtextextended('pr:' || $1::uuid || ':' || athlete_id || ':' || $3::uuid, 0)) IS NULL AS locked FROM w
    )
    SELECT r.locked,
           pg_advisory_xact_lock(hashtextextended('analytics:' || $1::uuid || ':' || r.athlete_id || ':' || to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 0)) IS NULL AS day_locked
      FROM records_locked r`,
};

/**
 * The set's checks and, when they all pass, its insert and, in the same
 * statement: what the exercise's records reached before it, the summary
 * `priorBests` makes in the domain, read from the sets holding records rather
 * than the whole history (the set with the best e1RM and the heaviest hold
 * records, and so does, for any weight, a set with the most reps at that
 * weight or heavier; recomputeRecords keeps the records equal to the
 * history's), so it costs the records, not the sets; the athlete's day of the
 * exercise rolled up with the set; and the workout's progress. One snapshot
 * serves them all, in which the new set is not yet visible, so it is added
 * from RETURNING where it counts.
 *
 * The day's row, when there is one, gets the set added rather than the day's
 * sets summed again, which costs one set rather than the whole day: the row
 * is the sum of the day's sets whenever a transaction holding the day's lock
 * commits, since every writer of sets keeps it under that lock (this one,
 * refreshExerciseDay after a correction, the analytics consumer's
 * refreshAthleteDay), and the consumer sums the day again after every set
 * anyway. Without a row, the day is summed as refreshExerciseDay does.
 *
 * The insert's guard mirrors the checks the caller turns into errors, so that
 * nothing is written when one of them fails: $10 is the only athlete the actor
 * may write for, or null when it may write for any (canActFor).
 */
const checkAndInsert = {
  name: 'coachline_set_log_insert',
  text: `WITH target AS (
      SELECT w.athlete_id, w.status,
             ($10::uuid IS NULL OR w.athlete_id = $10::uuid) AS may_write,
             EXISTS (SELECT 1 FROM exercises WHERE tenant_id = $1::uuid AND id = $4::uuid) AS exercise_ok,
             ($5::uuid IS NULL OR EXISTS (SELECT 1 FROM workout_planned_sets WHERE tenant_id = $1::uuid AND workout_id = $3::uuid AND id = $5::uuid)) AS planned_ok,
             (SELECT s.workout_id FROM workout_sets s WHERE s.tenant_id = $1::uuid AND s.id = $2::uuid) AS existing_workout_id
        FROM workouts w
       WHERE w.tenant_id = $1::uuid AND w.id = $3::uuid
    ), prior AS (
      SELECT count(*)::int AS count,
             max(round(s.weight_kg * 100)::bigint * (30 + s.reps))::float8 AS best_key,
             max(s.weight_kg)::float8 AS heaviest,
             max(s.reps) FILTER (WHERE s.weight_kg >= $7::numeric) AS most_reps
        FROM workout_sets s
       WHERE s.tenant_id = $1::uuid
         AND s.id IN (SELECT r.set_id FROM personal_records r, target t WHERE r.tenant_id = $1::uuid AND r.athlete_id = t.athlete_id AND r.exercise_id = $4::uuid)
    ), inserted AS (
      INSERT INTO workout_sets (tenant_id, id, workout_id, athlete_id, exercise_id, planned_set_id, reps, weight_kg, rpe)
      SELECT $1::uuid, $2::uuid, $3::uuid, t.athlete_id, $4::uuid, $5::uuid, $6::int, $7::numeric, $8::real
        FROM target t
       WHERE t.may_write AND t.status <> 'completed' AND t.exercise_ok AND t.planned_ok AND t.existing_workout_id IS NULL
      ON CONFLICT DO NOTHING
      RETURNING id, athlete_id, exercise_id, planned_set_id, reps, weight_kg, rpe, logged_at
    ), bounds AS (
      SELECT (logged_at AT TIME ZONE 'UTC')::date AS day, date_trunc('day', logged_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS start FROM inserted
    ), kept AS (
      SELECT 1 FROM analytics_daily_exercise a, inserted i, bounds b
       WHERE a.tenant_id = $1::uuid AND a.athlete_id = i.athlete_id AND a.day = b.day AND a.exercise_id = $4::uuid
    ), day_totals AS (
      SELECT count(*)::int AS sets, coalesce(sum(d.weight_kg * d.reps), 0) AS volume_kg,
             -- Epley's weight × (1 + reps / 30), as weight × (30 + reps) / 30 in exact numerics.
             round(max(d.weight_kg * (30 + d.reps)) / 30, 2) AS best_e1rm_kg,
             coalesce(sum(d.rpe), 0) AS rpe_sum, count(d.rpe)::int AS rpe_count
        FROM (
          SELECT s.weight_kg, s.reps, s.rpe FROM workout_sets s, inserted i, bounds b
           WHERE NOT EXISTS (SELECT 1 FROM kept)
             AND s.tenant_id = $1::uuid AND s.athlete_id = i.athlete_id AND s.exercise_id = $4::uuid
             AND s.logged_at >= b.start AND s.logged_at < b.start + interval '1 day'
          UNION ALL
          SELECT weight_kg, reps, rpe FROM inserted
        ) d
    ), rollup AS (
      INSERT INTO analytics_daily_exercise AS a (tenant_id, id, athlete_id, day, exercise_id, sets, volume_kg, best_e1rm_kg, rpe_sum, rpe_count)
      SELECT $1::uuid, $9::uuid, i.athlete_id, b.day, $4::uuid, t.sets, t.volume_kg, t.best_e1rm_kg, t.rpe_sum, t.rpe_count FROM inserted i, bounds b, day_totals t
      ON CONFLICT (tenant_id, athlete_id, day, exercise_id)
      DO UPDATE SET sets = a.sets + excluded.sets, volume_kg = a.volume_kg + excluded.volume_kg, best_e1rm_kg = greatest(a.best_e1rm_kg, excluded.best_e1rm_kg),
                    rpe_sum = a.rpe_sum + excluded.rpe_sum, rpe_count = a.rpe_count + excluded.rpe_count
    ), planned AS (
      SELECT count(*)::int AS n FROM workout_planned_sets WHERE tenant_id = $1::uuid AND workout_id = $3::uuid
    )
    SELECT t.athlete_id AS "athleteId", t.status, t.exercise_ok AS "exerciseOk", t.planned_ok AS "plannedOk", t.existing_workout_id AS "existingSetWorkoutId",
           i.id, i.exercise_id AS "exerciseId", i.reps, i.weight_kg::float8 AS "weightKg", i.rpe, i.planned_set_id AS "plannedSetId", i.logged_at AS "loggedAt",
           p.count AS "priorCount", coalesce(p.best_key, 0) AS "bestE1rmKey", coalesce(p.heaviest, 0) AS "heaviestKg", p.most_reps AS "mostRepsAtOrAbove",
           pl.n AS planned,
           -- A workout with nothing planned has no progress to count: its sets are not read.
           CASE WHEN pl.n = 0 THEN 0 ELSE (
             SELECT count(DISTINCT c.planned_set_id)::int FROM (
               SELECT planned_set_id FROM workout_sets WHERE tenant_id = $1::uuid AND workout_id = $3::uuid AND planned_set_id IS NOT NULL
               UNION ALL
               SELECT planned_set_id FROM inserted WHERE planned_set_id IS NOT NULL
             ) c) END AS completed
      FROM target t CROSS JOIN prior p CROSS JOIN planned pl LEFT JOIN inserted i ON true`,
};

/** The workout a set was to join, as the checks found it. */
export interface SetLogTarget {
  athleteId: string;
  status: WorkoutRow['status'];
  exerciseOk: boolean;
  plannedOk: boolean;
  /** The workout of the set that already had the id, or null when the id was free. */
  existingSetWorkoutId: string | null;
}

export interface LoggedSetRow {
  id: string;
  exerciseId: string;
  reps: number;
  weightKg: number;
  rpe: number | null;
  plannedSetId: string | null;
  loggedAt: Date;
}

export interface LoggedSet {
  set: LoggedSetRow;
  /** The exercise's records before this set, to judge it by. */
  prior: PriorBests;
  /** The workout's progress with this set. */
  progress: Progress;
}

type Row = SetLogTarget & { [K in keyof LoggedSetRow]: LoggedSetRow[K] | null } & {
  priorCount: number;
  bestE1rmKey: number;
  heaviestKg: number;
  mostRepsAtOrAbove: number | null;
  planned: number;
  completed: number;
};

/**
 * Logs the set if the checks pass: undefined when the workout does not exist
 * in the transaction's tenant; otherwise what the checks found, and `logged`
 * when the set was inserted, which happens exactly when the actor may write
 * for the workout's athlete, the workout is not completed, the exercise and
 * the planned set exist, and the id is free (also of a concurrent insert).
 */
export async function logSetRow(
  tx: TenantTx,
  set: { id: string; workoutId: string; exerciseId: string; plannedSetId: string | null; reps: number; weightKg: number; rpe: number | null },
  onlyAthlete: string | null,
): Promise<(SetLogTarget & { logged?: LoggedSet }) | undefined> {
  const { tenantId } = tx.scope;
  // Its result is not read: deferred, it travels in the same batch as the statement below, just before it.
  deferWrite(tx, takeLocks, [tenantId, set.workoutId, set.exerciseId]);
  const [row] = await queryRows<Row>(tx, checkAndInsert, [tenantId, set.id, set.workoutId, set.exerciseId, set.plannedSetId, set.reps, set.weightKg, set.rpe, newId(), onlyAthlete]);
  if (!row) return undefined;
  const target: SetLogTarget = { athleteId: row.athleteId, status: row.status, exerciseOk: row.exerciseOk, plannedOk: row.plannedOk, existingSetWorkoutId: row.existingSetWorkoutId };
  if (row.id === null) return target;
  return {
    ...target,
    logged: {
      set: { id: row.id, exerciseId: row.exerciseId!, reps: row.reps!, weightKg: row.weightKg!, rpe: row.rpe, plannedSetId: row.plannedSetId, loggedAt: row.loggedAt! },
      prior: { count: row.priorCount, bestE1rmKey: row.bestE1rmKey, heaviestKg: row.heaviestKg, mostRepsAtOrAbove: row.mostRepsAtOrAbove },
      progress: progressOf(row.completed, row.planned),
    },
  };
}

const recordInsert = {
  name: 'coachline_personal_record_insert',
  text: 'INSERT INTO personal_records (tenant_id, id, athlete_id, exercise_id, kind, value, weight_kg, set_id, achieved_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
};

/** Queues a record the set achieved, to travel with COMMIT: nothing in the transaction reads it back. */
export function deferRecordInsert(
  tx: TenantTx,
  record: { id: string; athleteId: string; exerciseId: string; kind: string; value: number; weightKg: number; setId: string; achievedAt: Date },
): void {
  deferWrite(tx, recordInsert, [tx.scope.tenantId, record.id, record.athleteId, record.exerciseId, record.kind, record.value, record.weightKg, record.setId, record.achievedAt]);
}
