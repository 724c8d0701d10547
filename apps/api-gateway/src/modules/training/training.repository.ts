import { and, asc, desc, eq, gt, ilike, inArray, lt, or, sql } from 'drizzle-orm';
import type { NewRow, TenantTx } from '@coachline/db/database';
import { currentMember } from '@coachline/db/memberships';
import {
  bodyMetrics,
  exercises,
  memberships,
  personalRecords,
  programDays,
  programPlannedSets,
  programs,
  workoutPlannedSets,
  workouts,
  workoutSets,
} from '@coachline/db/schema/index';

export type ExerciseRow = typeof exercises.$inferSelect;
export type ProgramRow = typeof programs.$inferSelect;
export type ProgramDayRow = typeof programDays.$inferSelect;
export type ProgramPlannedSetRow = typeof programPlannedSets.$inferSelect;
export type WorkoutPlannedSetRow = typeof workoutPlannedSets.$inferSelect;
export type WorkoutSetRow = typeof workoutSets.$inferSelect;
export type BodyMetricRow = typeof bodyMetrics.$inferSelect;

/** `%` and `_` in a search are literal characters, not wildcards. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function listExercises(tx: TenantTx, filter: { q?: string; category?: ExerciseRow['category'] }, limit: number, afterId?: string) {
  return tx
    .select()
    .from(exercises)
    .where(
      and(
        eq(exercises.tenantId, tx.scope.tenantId),
        filter.q ? ilike(exercises.name, `%${likeLiteral(filter.q)}%`) : undefined,
        filter.category ? eq(exercises.category, filter.category) : undefined,
        afterId ? gt(exercises.id, afterId) : undefined,
      ),
    )
    .orderBy(asc(exercises.id))
    .limit(limit + 1);
}

export async function insertExercise(tx: TenantTx, row: NewRow<typeof exercises>) {
  const [inserted] = await tx.insert(exercises).values({ ...row, tenantId: tx.scope.tenantId }).returning();
  return inserted!;
}

/** The ids among `ids` that name exercises of the tenant. */
export async function existingExerciseIds(tx: TenantTx, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx
    .select({ id: exercises.id })
    .from(exercises)
    .where(and(eq(exercises.tenantId, tx.scope.tenantId), inArray(exercises.id, ids)));
  return new Set(rows.map((r) => r.id));
}

export async function findMemberRole(tx: TenantTx, userId: string) {
  const [row] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.tenantId, tx.scope.tenantId), eq(memberships.userId, userId), currentMember));
  return row?.role;
}

/** Shared with the scheduler's program generation, which writes ordinary programs too. */
export { insertProgram } from '@coachline/db/programs';

export async function findProgram(tx: TenantTx, programId: string) {
  const [row] = await tx
    .select()
    .from(programs)
    .where(and(eq(programs.tenantId, tx.scope.tenantId), eq(programs.id, programId)));
  return row;
}

export async function programContents(tx: TenantTx, programId: string) {
  const { tenantId } = tx.scope;
  const days = await tx
    .select()
    .from(programDays)
    .where(and(eq(programDays.tenantId, tenantId), eq(programDays.programId, programId)))
    .orderBy(asc(programDays.position));
  const sets = days.length
    ? await tx
        .select()
        .from(programPlannedSets)
        .where(and(eq(programPlannedSets.tenantId, tenantId), inArray(programPlannedSets.dayId, days.map((d) => d.id))))
        .orderBy(asc(programPlannedSets.exercisePosition), asc(programPlannedSets.setPosition))
    : [];
  return { days, sets };
}

export async function listPrograms(tx: TenantTx, limit: number, afterId?: string) {
  return tx
    .select({
      id: programs.id,
      name: programs.name,
      description: programs.description,
      createdBy: programs.createdBy,
      createdAt: programs.createdAt,
      // Written out: inside a select list drizzle renders columns unqualified, which the subquery would capture.
      dayCount: sql<number>`(SELECT count(*)::int FROM program_days d WHERE d.tenant_id = "programs"."tenant_id" AND d.program_id = "programs"."id")`,
    })
    .from(programs)
    .where(and(eq(programs.tenantId, tx.scope.tenantId), afterId ? gt(programs.id, afterId) : undefined))
    .orderBy(asc(programs.id))
    .limit(limit + 1);
}

export { insertAssignment } from '@coachline/db/program-assignments';

export async function findProgramDay(tx: TenantTx, programId: string, position: number) {
  const [row] = await tx
    .select()
    .from(programDays)
    .where(and(eq(programDays.tenantId, tx.scope.tenantId), eq(programDays.programId, programId), eq(programDays.position, position)));
  return row;
}

export async function daySets(tx: TenantTx, dayId: string) {
  return tx
    .select()
    .from(programPlannedSets)
    .where(and(eq(programPlannedSets.tenantId, tx.scope.tenantId), eq(programPlannedSets.dayId, dayId)))
    .orderBy(asc(programPlannedSets.exercisePosition), asc(programPlannedSets.setPosition));
}

export async function insertWorkout(tx: TenantTx, workout: NewRow<typeof workouts>, planned: NewRow<typeof workoutPlannedSets>[]) {
  const { tenantId } = tx.scope;
  const [row] = await tx.insert(workouts).values({ ...workout, tenantId }).returning();
  const plannedRows = planned.length ? await tx.insert(workoutPlannedSets).values(planned.map((set) => ({ ...set, tenantId }))).returning() : [];
  return { workout: row!, planned: plannedRows.sort((a, b) => a.position - b.position) };
}

export async function workoutContents(tx: TenantTx, workoutId: string) {
  const { tenantId } = tx.scope;
  const planned = await tx
    .select()
    .from(workoutPlannedSets)
    .where(and(eq(workoutPlannedSets.tenantId, tenantId), eq(workoutPlannedSets.workoutId, workoutId)))
    .orderBy(asc(workoutPlannedSets.position));
  const sets = await tx
    .select()
    .from(workoutSets)
    .where(and(eq(workoutSets.tenantId, tenantId), eq(workoutSets.workoutId, workoutId)))
    .orderBy(asc(workoutSets.loggedAt), asc(workoutSets.id));
  return { planned, sets };
}

export async function listWorkouts(tx: TenantTx, filter: { athleteId?: string; status?: 'in_progress' | 'completed' }, limit: number, beforeId?: string) {
  return tx
    .select()
    .from(workouts)
    .where(
      and(
        eq(workouts.tenantId, tx.scope.tenantId),
        filter.athleteId ? eq(workouts.athleteId, filter.athleteId) : undefined,
        filter.status ? eq(workouts.status, filter.status) : undefined,
        beforeId ? lt(workouts.id, beforeId) : undefined,
      ),
    )
    .orderBy(desc(workouts.id))
    .limit(limit + 1);
}

export async function workoutTotals(tx: TenantTx, workoutId: string) {
  const [row] = await tx
    .select({ sets: sql<number>`count(*)::int`, volumeKg: sql<number>`coalesce(sum(${workoutSets.reps} * ${workoutSets.weightKg}), 0)::float8` })
    .from(workoutSets)
    .where(and(eq(workoutSets.tenantId, tx.scope.tenantId), eq(workoutSets.workoutId, workoutId)));
  return row!;
}

export async function markCompleted(tx: TenantTx, workoutId: string, completedAt: Date, summary: unknown) {
  await tx
    .update(workouts)
    .set({ status: 'completed', completedAt, summary })
    .where(and(eq(workouts.tenantId, tx.scope.tenantId), eq(workouts.id, workoutId)));
}

/** The latest record per exercise and kind: records only ever rise, so the latest is the standing one. */
export async function standingRecords(tx: TenantTx, athleteId: string, exerciseId?: string) {
  const result = await tx.execute<{ exercise_id: string; kind: 'e1rm' | 'weight' | 'reps'; value: number; weight_kg: number | null; set_id: string; achieved_at: Date | string }>(sql`
    SELECT DISTINCT ON (exercise_id, kind) exercise_id, kind, value::float8 AS value, weight_kg::float8 AS weight_kg, set_id, achieved_at
      FROM ${personalRecords}
     WHERE tenant_id = ${tx.scope.tenantId} AND athlete_id = ${athleteId} ${exerciseId ? sql`AND exercise_id = ${exerciseId}` : sql``}
     ORDER BY exercise_id, kind, achieved_at DESC, id DESC`);
  return result.rows;
}

/** Best estimated 1RM per UTC day and exercise. */
export async function dailyE1rm(tx: TenantTx, athleteId: string, exerciseId?: string) {
  const result = await tx.execute<{ date: string; exercise_id: string; value: number }>(sql`
    SELECT to_char(logged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS date, exercise_id,
           round(max(weight_kg * (1 + reps / 30.0)), 2)::float8 AS value
      FROM ${workoutSets}
     WHERE tenant_id = ${tx.scope.tenantId} AND athlete_id = ${athleteId} ${exerciseId ? sql`AND exercise_id = ${exerciseId}` : sql``}
     GROUP BY 1, 2
     ORDER BY 1, 2`);
  return result.rows;
}

/** Volume per ISO week (starting Monday, UTC). */
export async function weeklyVolume(tx: TenantTx, athleteId: string, exerciseId?: string) {
  const result = await tx.execute<{ week_start: string; value: number }>(sql`
    SELECT to_char(date_trunc('week', logged_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS week_start,
           round(sum(reps * weight_kg), 2)::float8 AS value
      FROM ${workoutSets}
     WHERE tenant_id = ${tx.scope.tenantId} AND athlete_id = ${athleteId} ${exerciseId ? sql`AND exercise_id = ${exerciseId}` : sql``}
     GROUP BY 1
     ORDER BY 1`);
  return result.rows;
}

export async function insertBodyMetric(tx: TenantTx, row: NewRow<typeof bodyMetrics>) {
  const [inserted] = await tx.insert(bodyMetrics).values({ ...row, tenantId: tx.scope.tenantId }).returning();
  return inserted!;
}

export async function listBodyMetrics(tx: TenantTx, userId: string, limit: number, after?: { at: Date; id: string }) {
  return tx
    .select()
    .from(bodyMetrics)
    .where(
      and(
        eq(bodyMetrics.tenantId, tx.scope.tenantId),
        eq(bodyMetrics.userId, userId),
        after ? or(lt(bodyMetrics.measuredAt, after.at), and(eq(bodyMetrics.measuredAt, after.at), lt(bodyMetrics.id, after.id))) : undefined,
      ),
    )
    .orderBy(desc(bodyMetrics.measuredAt), desc(bodyMetrics.id))
    .limit(limit + 1);
}
