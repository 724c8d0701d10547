import { and, asc, eq, sql } from 'drizzle-orm';
import type { PersonalRecordHit } from '@coachline/domain/socket';
import { progressOf, recordHistory, RECORD_KINDS, type Progress } from '@coachline/domain/training-rules';
import { newId } from './ids';
import type { NewRow, TenantTx } from './database';
import { personalRecords, workoutPlannedSets, workouts, workoutSets } from './schema/index';

export type WorkoutRow = typeof workouts.$inferSelect;
export type WorkoutSetRow = typeof workoutSets.$inferSelect;

/** The workout; with `lock`, held until the transaction ends, so that its sets are judged one after another. */
export async function findWorkout(tx: TenantTx, workoutId: string, lock = false): Promise<WorkoutRow | undefined> {
  const query = tx
    .select()
    .from(workouts)
    .where(and(eq(workouts.tenantId, tx.scope.tenantId), eq(workouts.id, workoutId)));
  const [workout] = lock ? await query.for('update') : await query;
  return workout;
}

export async function findSet(tx: TenantTx, setId: string): Promise<WorkoutSetRow | undefined> {
  const [row] = await tx
    .select()
    .from(workoutSets)
    .where(and(eq(workoutSets.tenantId, tx.scope.tenantId), eq(workoutSets.id, setId)));
  return row;
}

export async function insertRecords(tx: TenantTx, rows: NewRow<typeof personalRecords>[]): Promise<void> {
  const { tenantId } = tx.scope;
  await tx.insert(personalRecords).values(rows.map((row) => ({ ...row, tenantId })));
}

/** Planned sets of the workout that have a logged set, out of all its planned sets. */
export async function workoutProgress(tx: TenantTx, workoutId: string): Promise<Progress> {
  const { tenantId } = tx.scope;
  const result = await tx.execute<{ planned: number; completed: number }>(sql`
    SELECT (SELECT count(*)::int FROM ${workoutPlannedSets} WHERE tenant_id = ${tenantId} AND workout_id = ${workoutId}) AS planned,
           (SELECT count(DISTINCT planned_set_id)::int FROM ${workoutSets} WHERE tenant_id = ${tenantId} AND workout_id = ${workoutId} AND planned_set_id IS NOT NULL) AS completed`);
  const r = result.rows[0]!;
  return progressOf(r.completed, r.planned);
}

/** The record a stored set set, reported the way logging it first reported it. */
export async function recordOfSet(tx: TenantTx, setId: string): Promise<PersonalRecordHit | null> {
  const rows = await tx
    .select({ exerciseId: personalRecords.exerciseId, kind: personalRecords.kind, value: personalRecords.value })
    .from(personalRecords)
    .where(and(eq(personalRecords.tenantId, tx.scope.tenantId), eq(personalRecords.setId, setId)));
  rows.sort((a, b) => RECORD_KINDS.indexOf(a.kind) - RECORD_KINDS.indexOf(b.kind));
  return rows[0] ?? null;
}

/** Every record set during a workout, best per exercise and kind. */
export async function recordsOfWorkout(tx: TenantTx, workoutId: string): Promise<PersonalRecordHit[]> {
  const rows = await tx
    .select({ exerciseId: personalRecords.exerciseId, kind: personalRecords.kind, value: personalRecords.value })
    .from(personalRecords)
    .innerJoin(workoutSets, and(eq(workoutSets.tenantId, personalRecords.tenantId), eq(workoutSets.id, personalRecords.setId)))
    .where(and(eq(personalRecords.tenantId, tx.scope.tenantId), eq(workoutSets.workoutId, workoutId)));
  const best = new Map<string, PersonalRecordHit>();
  for (const row of rows) {
    const key = `${row.exerciseId}:${row.kind}`;
    const current = best.get(key);
    if (!current || row.value > current.value) best.set(key, row);
  }
  return [...best.values()];
}

/** The lock under which one athlete's records of one exercise are judged; logging a set takes it too. */
export async function lockRecords(tx: TenantTx, athleteId: string, exerciseId: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`pr:${tx.scope.tenantId}:${athleteId}:${exerciseId}`}, 0))`);
}

export async function updateSet(tx: TenantTx, setId: string, changes: { reps?: number; weightKg?: number; rpe?: number | null }): Promise<WorkoutSetRow> {
  const [row] = await tx
    .update(workoutSets)
    .set(changes)
    .where(and(eq(workoutSets.tenantId, tx.scope.tenantId), eq(workoutSets.id, setId)))
    .returning();
  return row!;
}

export async function deleteSet(tx: TenantTx, setId: string): Promise<void> {
  await tx.delete(workoutSets).where(and(eq(workoutSets.tenantId, tx.scope.tenantId), eq(workoutSets.id, setId)));
}

/**
 * Judges the athlete's sets of one exercise again, in the order they were
 * logged, and makes the stored records those the history holds now: a record
 * that still stands keeps its row (and id), one that no longer does is
 * deleted, and one the change uncovered is inserted. Run under `lockRecords`.
 * Answers when the records that changed were achieved, for the analytics days
 * they touch.
 */
export async function recomputeRecords(tx: TenantTx, athleteId: string, exerciseId: string): Promise<Date[]> {
  const { tenantId } = tx.scope;
  const sets = await tx
    .select({ id: workoutSets.id, reps: workoutSets.reps, weightKg: workoutSets.weightKg, loggedAt: workoutSets.loggedAt })
    .from(workoutSets)
    .where(and(eq(workoutSets.tenantId, tenantId), eq(workoutSets.athleteId, athleteId), eq(workoutSets.exerciseId, exerciseId)))
    .orderBy(asc(workoutSets.loggedAt), asc(workoutSets.id));
  const stored = await tx
    .select()
    .from(personalRecords)
    .where(and(eq(personalRecords.tenantId, tenantId), eq(personalRecords.athleteId, athleteId), eq(personalRecords.exerciseId, exerciseId)));

  const setsById = new Map(sets.map((set) => [set.id, set]));
  const wanted = new Map(recordHistory(sets).map((record) => [`${record.setId}:${record.kind}`, record]));
  const changedAt: Date[] = [];
  for (const row of stored) {
    const key = `${row.setId}:${row.kind}`;
    const record = wanted.get(key);
    wanted.delete(key);
    const set = setsById.get(row.setId);
    if (!record || !set) {
      await tx.delete(personalRecords).where(and(eq(personalRecords.tenantId, tenantId), eq(personalRecords.id, row.id)));
      changedAt.push(row.achievedAt);
    } else if (record.value !== row.value || set.weightKg !== row.weightKg) {
      await tx
        .update(personalRecords)
        .set({ value: record.value, weightKg: set.weightKg })
        .where(and(eq(personalRecords.tenantId, tenantId), eq(personalRecords.id, row.id)));
      changedAt.push(row.achievedAt);
    }
  }
  const added = [...wanted.values()].map((record) => {
    const set = setsById.get(record.setId)!;
    return { id: newId(), athleteId, exerciseId, kind: record.kind, value: record.value, weightKg: set.weightKg, setId: set.id, achievedAt: set.loggedAt };
  });
  if (added.length > 0) await insertRecords(tx, added);
  return [...changedAt, ...added.map((record) => record.achievedAt)];
}

/** The number of sets of a workout and their volume, `sum(reps * weightKg)`. */
export async function workoutTotals(tx: TenantTx, workoutId: string): Promise<{ sets: number; volumeKg: number }> {
  const [row] = await tx
    .select({ sets: sql<number>`count(*)::int`, volumeKg: sql<number>`coalesce(sum(${workoutSets.reps} * ${workoutSets.weightKg}), 0)::float8` })
    .from(workoutSets)
    .where(and(eq(workoutSets.tenantId, tx.scope.tenantId), eq(workoutSets.workoutId, workoutId)));
  return row!;
}

export async function storeSummary(tx: TenantTx, workoutId: string, summary: unknown): Promise<void> {
  await tx
    .update(workouts)
    .set({ summary })
    .where(and(eq(workouts.tenantId, tx.scope.tenantId), eq(workouts.id, workoutId)));
}
