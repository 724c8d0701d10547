import { and, eq, sql } from 'drizzle-orm';
import { ConflictError, ValidationError } from '@coachline/domain/errors';
import type { PersonalRecordHit } from '@coachline/domain/socket';
import { detectRecords, progressOf, RECORD_KINDS, roundKg, type PriorBests, type Progress } from '@coachline/domain/training-rules';
import { recordAudit } from './audit';
import type { TenantTx } from './database';
import { newId } from './ids';
import { exercises, personalRecords, workoutPlannedSets, workoutSets } from './schema/index';
import { workoutFor, type TrainingActor } from './workout-access';

export interface LogSetInput {
  /** Client-generated id: sending it again returns the stored set and changes nothing. */
  id?: string;
  exerciseId: string;
  reps: number;
  weightKg: number;
  rpe?: number;
  plannedSetId?: string;
}

export interface StoredSet {
  id: string;
  exerciseId: string;
  reps: number;
  weightKg: number;
  rpe: number | null;
  plannedSetId: string | null;
  loggedAt: string;
}

export type { PersonalRecordHit };

export interface LogSetResult {
  workoutId: string;
  athleteId: string;
  set: StoredSet;
  progress: Progress;
  personalRecord: PersonalRecordHit | null;
  /** True when the id had been logged before and nothing changed. */
  replayed: boolean;
}

type SetRow = typeof workoutSets.$inferSelect;

const storedSet = (row: SetRow): StoredSet => ({
  id: row.id,
  exerciseId: row.exerciseId,
  reps: row.reps,
  weightKg: row.weightKg,
  rpe: row.rpe,
  plannedSetId: row.plannedSetId,
  loggedAt: row.loggedAt.toISOString(),
});

/**
 * Logs one set: the one transaction both the REST route and the socket handler
 * run. The workout row is locked, so sets of one workout are judged one after
 * another, and records are computed and stored with the set they belong to.
 */
export async function logSet(tx: TenantTx, actor: TrainingActor, workoutId: string, input: LogSetInput): Promise<LogSetResult> {
  const { tenantId } = actor;
  const workout = await workoutFor(tx, actor, workoutId, 'write', true);

  if (input.id) {
    const [existing] = await tx
      .select()
      .from(workoutSets)
      .where(and(eq(workoutSets.tenantId, tenantId), eq(workoutSets.id, input.id)));
    if (existing) {
      if (existing.workoutId !== workoutId) throw new ConflictError('This set id is already used by another workout.');
      return { workoutId, athleteId: workout.athleteId, set: storedSet(existing), progress: await workoutProgress(tx, tenantId, workoutId), personalRecord: await recordOfSet(tx, tenantId, existing.id), replayed: true };
    }
  }
  if (workout.status === 'completed') throw new ConflictError('The workout is completed and takes no more sets.');

  // One round trip: the references are checked while the lock is taken. Sets of one athlete's
  // exercise can arrive for two workouts at once, so records are judged one at a time.
  const checks = await tx.execute<{ exercise_ok: boolean; planned_ok: boolean }>(sql`
    SELECT pg_advisory_xact_lock(hashtextextended(${`pr:${tenantId}:${workout.athleteId}:${input.exerciseId}`}, 0)) IS NULL AS locked,
           EXISTS (SELECT 1 FROM ${exercises} WHERE tenant_id = ${tenantId} AND id = ${input.exerciseId}) AS exercise_ok,
           (${input.plannedSetId ?? null}::uuid IS NULL OR EXISTS (
              SELECT 1 FROM ${workoutPlannedSets} WHERE tenant_id = ${tenantId} AND workout_id = ${workoutId} AND id = ${input.plannedSetId ?? null}::uuid)) AS planned_ok`);
  const { exercise_ok: exerciseOk, planned_ok: plannedOk } = checks.rows[0]!;
  if (!exerciseOk) throw new ValidationError('The exercise does not exist.', [{ path: 'exerciseId', message: 'Unknown exercise' }]);
  if (!plannedOk) throw new ValidationError('The planned set is not part of this workout.', [{ path: 'plannedSetId', message: 'Not a planned set of this workout' }]);

  const weightKg = roundKg(input.weightKg);
  const prior = await priorBestsOf(tx, tenantId, workout.athleteId, input.exerciseId, weightKg);

  const [row] = await tx
    .insert(workoutSets)
    .values({
      tenantId,
      id: input.id ?? newId(),
      workoutId,
      athleteId: workout.athleteId,
      exerciseId: input.exerciseId,
      plannedSetId: input.plannedSetId ?? null,
      reps: input.reps,
      weightKg,
      rpe: input.rpe ?? null,
    })
    .onConflictDoNothing()
    .returning();
  // Only a concurrent insert of the same client id into another workout gets here.
  if (!row) throw new ConflictError('This set id is already used by another workout.');

  const hits = detectRecords(prior, { reps: row.reps, weightKg: row.weightKg });
  if (hits.length > 0) {
    await tx.insert(personalRecords).values(
      hits.map((hit) => ({
        tenantId,
        id: newId(),
        athleteId: workout.athleteId,
        exerciseId: row.exerciseId,
        kind: hit.kind,
        value: hit.value,
        weightKg: row.weightKg,
        setId: row.id,
        achievedAt: row.loggedAt,
      })),
    );
  }
  await recordAudit(tx, {
    actorId: actor.userId,
    action: 'workout.set_logged',
    entityType: 'workout_set',
    entityId: row.id,
    summary: { workoutId, exerciseId: row.exerciseId, reps: row.reps, weightKg: row.weightKg },
  });

  const first = hits[0];
  return {
    workoutId,
    athleteId: workout.athleteId,
    set: storedSet(row),
    progress: await workoutProgress(tx, tenantId, workoutId),
    personalRecord: first ? { exerciseId: row.exerciseId, kind: first.kind, value: first.value } : null,
    replayed: false,
  };
}

/** The same summary as `priorBests` in the domain, computed by aggregates over the athlete's earlier sets. */
async function priorBestsOf(tx: TenantTx, tenantId: string, athleteId: string, exerciseId: string, candidateKg: number): Promise<PriorBests> {
  const result = await tx.execute<{ count: number; best_key: number | null; heaviest: number | null; most_reps: number | null }>(sql`
    SELECT count(*)::int AS count,
           max(round(weight_kg * 100)::bigint * (30 + reps))::float8 AS best_key,
           max(weight_kg)::float8 AS heaviest,
           max(reps) FILTER (WHERE weight_kg >= ${candidateKg}) AS most_reps
      FROM ${workoutSets}
     WHERE tenant_id = ${tenantId} AND athlete_id = ${athleteId} AND exercise_id = ${exerciseId}`);
  const r = result.rows[0]!;
  return { count: r.count, bestE1rmKey: r.best_key ?? 0, heaviestKg: r.heaviest ?? 0, mostRepsAtOrAbove: r.most_reps };
}

/** Planned sets of the workout that have a logged set, out of all its planned sets. */
export async function workoutProgress(tx: TenantTx, tenantId: string, workoutId: string): Promise<Progress> {
  const result = await tx.execute<{ planned: number; completed: number }>(sql`
    SELECT (SELECT count(*)::int FROM ${workoutPlannedSets} WHERE tenant_id = ${tenantId} AND workout_id = ${workoutId}) AS planned,
           (SELECT count(DISTINCT planned_set_id)::int FROM ${workoutSets} WHERE tenant_id = ${tenantId} AND workout_id = ${workoutId} AND planned_set_id IS NOT NULL) AS completed`);
  const r = result.rows[0]!;
  return progressOf(r.completed, r.planned);
}

/** The record a stored set set, reported the way logging it first reported it. */
async function recordOfSet(tx: TenantTx, tenantId: string, setId: string): Promise<PersonalRecordHit | null> {
  const rows = await tx
    .select({ exerciseId: personalRecords.exerciseId, kind: personalRecords.kind, value: personalRecords.value })
    .from(personalRecords)
    .where(and(eq(personalRecords.tenantId, tenantId), eq(personalRecords.setId, setId)));
  rows.sort((a, b) => RECORD_KINDS.indexOf(a.kind) - RECORD_KINDS.indexOf(b.kind));
  return rows[0] ?? null;
}

/** Every record set during a workout, best per exercise and kind. */
export async function recordsOfWorkout(tx: TenantTx, tenantId: string, workoutId: string): Promise<PersonalRecordHit[]> {
  const rows = await tx
    .select({ exerciseId: personalRecords.exerciseId, kind: personalRecords.kind, value: personalRecords.value })
    .from(personalRecords)
    .innerJoin(workoutSets, and(eq(workoutSets.tenantId, personalRecords.tenantId), eq(workoutSets.id, personalRecords.setId)))
    .where(and(eq(personalRecords.tenantId, tenantId), eq(workoutSets.workoutId, workoutId)));
  const best = new Map<string, PersonalRecordHit>();
  for (const row of rows) {
    const key = `${row.exerciseId}:${row.kind}`;
    const current = best.get(key);
    if (!current || row.value > current.value) best.set(key, row);
  }
  return [...best.values()];
}
