import { and, asc, desc, eq, gt, ilike, inArray, lt, or, sql } from 'drizzle-orm';
import type { NewRow, TenantTx } from '@coachline/db/database';
import { findProgram } from '@coachline/db/workouts';
import { chunksFor } from '@coachline/db/programs';
import {
  analyticsDailyExercise,
  bodyMetrics,
  exercises,
  personalRecords,
  products,
  programDays,
  programAssignments,
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

/** Shared with the scheduler's program generation, which writes ordinary programs too. */
export { insertProgram } from '@coachline/db/programs';

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

// Written out: inside a select list drizzle renders columns unqualified, which the subquery would capture.
const dayCount = sql<number>`(SELECT count(*)::int FROM program_days d WHERE d.tenant_id = "programs"."tenant_id" AND d.program_id = "programs"."id")`;

const programSummaryColumns = {
  id: programs.id,
  name: programs.name,
  description: programs.description,
  createdBy: programs.createdBy,
  createdAt: programs.createdAt,
  dayCount,
};

/** The tenant's programs, or with `assignedTo` only those assigned to that athlete. */
export async function listPrograms(tx: TenantTx, limit: number, afterId?: string, assignedTo?: string) {
  const { tenantId } = tx.scope;
  return tx
    .select(programSummaryColumns)
    .from(programs)
    .where(
      and(
        eq(programs.tenantId, tenantId),
        afterId ? gt(programs.id, afterId) : undefined,
        assignedTo
          ? sql`EXISTS (SELECT 1 FROM ${programAssignments} a WHERE a.tenant_id = "programs"."tenant_id" AND a.program_id = "programs"."id" AND a.athlete_id = ${assignedTo})`
          : undefined,
      ),
    )
    .orderBy(asc(programs.id))
    .limit(limit + 1);
}

export type ProgramAssignmentRow = typeof programAssignments.$inferSelect;

/** Assignments of one program, or of one athlete, oldest first. */
export async function listAssignments(tx: TenantTx, filter: { programId?: string; athleteId?: string }, limit: number, afterId?: string) {
  return tx
    .select({ assignment: programAssignments, program: programSummaryColumns })
    .from(programAssignments)
    .innerJoin(programs, and(eq(programs.tenantId, programAssignments.tenantId), eq(programs.id, programAssignments.programId)))
    .where(
      and(
        eq(programAssignments.tenantId, tx.scope.tenantId),
        filter.programId ? eq(programAssignments.programId, filter.programId) : undefined,
        filter.athleteId ? eq(programAssignments.athleteId, filter.athleteId) : undefined,
        afterId ? gt(programAssignments.id, afterId) : undefined,
      ),
    )
    .orderBy(asc(programAssignments.id))
    .limit(limit + 1);
}

export async function updateProgram(tx: TenantTx, programId: string, changes: { name?: string; description?: string }) {
  if (Object.keys(changes).length === 0) return (await findProgram(tx, programId))!;
  const [row] = await tx
    .update(programs)
    .set(changes)
    .where(and(eq(programs.tenantId, tx.scope.tenantId), eq(programs.id, programId)))
    .returning();
  return row!;
}

/** Replaces every day of a program (their planned sets cascade). */
export async function replaceProgramDays(tx: TenantTx, programId: string, days: NewRow<typeof programDays>[], sets: NewRow<typeof programPlannedSets>[]) {
  const { tenantId } = tx.scope;
  await tx.delete(programDays).where(and(eq(programDays.tenantId, tenantId), eq(programDays.programId, programId)));
  for (const chunk of chunksFor(programDays, days)) await tx.insert(programDays).values(chunk.map((day) => ({ ...day, tenantId })));
  for (const chunk of chunksFor(programPlannedSets, sets)) await tx.insert(programPlannedSets).values(chunk.map((set) => ({ ...set, tenantId })));
}

/** The products that sell the program on its own (kind `program`); they reference it. */
export async function productsSelling(tx: TenantTx, programId: string) {
  return tx
    .select({ id: products.id })
    .from(products)
    .where(and(eq(products.tenantId, tx.scope.tenantId), eq(products.programId, programId)));
}

/**
 * Deletes a program with its days and assignments. Workouts started from it
 * stay, with their planned and logged sets, no longer pointing at it; a
 * subscription that included it includes it no more.
 */
export async function deleteProgram(tx: TenantTx, programId: string): Promise<void> {
  const { tenantId } = tx.scope;
  await tx.update(workouts).set({ programId: null }).where(and(eq(workouts.tenantId, tenantId), eq(workouts.programId, programId)));
  await tx
    .update(products)
    .set({ programIds: sql`array_remove(${products.programIds}, ${programId}::uuid)` })
    .where(and(eq(products.tenantId, tenantId), sql`${programId}::uuid = ANY(${products.programIds})`));
  await tx.delete(programs).where(and(eq(programs.tenantId, tenantId), eq(programs.id, programId)));
}

export { insertAssignment, isAssigned } from '@coachline/db/program-assignments';
export { findMemberRole, findProgram, workoutContents } from '@coachline/db/workouts';

/** Newest first; the query itself, so that its plan can be examined. */
export function listWorkouts(tx: TenantTx, filter: { athleteId?: string; status?: 'in_progress' | 'completed' }, limit: number, beforeId?: string) {
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

export interface StandingRecordRow {
  exercise_id: string;
  kind: 'e1rm' | 'weight' | 'reps';
  value: number;
  weight_kg: number | null;
  set_id: string;
  achieved_at: string;
}

/** One exercise's day in the rollups: its best estimated 1RM and its volume. */
export interface ExerciseDayRow {
  day: string;
  exercise_id: string;
  e1rm: number;
  volume: number;
}

/**
 * What progress shows, in one statement: the standing records (the latest per
 * exercise and kind, since records only ever rise) and the window's days from
 * the daily rollups, which the set writes keep in their own transactions. The
 * cost is the records and the window's days, however long the history.
 */
export async function progressRows(tx: TenantTx, athleteId: string, window: { from: string; to: string }, exerciseId?: string) {
  const result = await tx.execute<{ records: StandingRecordRow[]; days: ExerciseDayRow[] }>(progressStatement(tx.scope.tenantId, athleteId, window, exerciseId));
  return result.rows[0]!;
}

/** progressRows' statement, also for `pnpm bench growth` to show its plan. */
export function progressStatement(tenantId: string, athleteId: string, window: { from: string; to: string }, exerciseId?: string) {
  const ofExercise = exerciseId ? sql`AND exercise_id = ${exerciseId}` : sql``;
  return sql`
    SELECT (SELECT coalesce(json_agg(r ORDER BY r.exercise_id, r.kind), '[]') FROM (
              SELECT DISTINCT ON (exercise_id, kind) exercise_id, kind, value::float8 AS value, weight_kg::float8 AS weight_kg, set_id, achieved_at
                FROM ${personalRecords}
               WHERE tenant_id = ${tenantId} AND athlete_id = ${athleteId} ${ofExercise}
               ORDER BY exercise_id, kind, achieved_at DESC, id DESC) r) AS records,
           (SELECT coalesce(json_agg(d ORDER BY d.day, d.exercise_id), '[]') FROM (
              SELECT to_char(day, 'YYYY-MM-DD') AS day, exercise_id, best_e1rm_kg::float8 AS e1rm, volume_kg::float8 AS volume
                FROM ${analyticsDailyExercise}
               WHERE tenant_id = ${tenantId} AND athlete_id = ${athleteId} AND day BETWEEN ${window.from}::date AND ${window.to}::date ${ofExercise}) d) AS days`;
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
