import { and, asc, eq } from 'drizzle-orm';
import type { NewRow, TenantTx } from './database';
import { currentMember } from './memberships';
import { bodyMetrics, memberships, programDays, programPlannedSets, programs, workoutPlannedSets, workouts, workoutSets } from './schema/index';

export type WorkoutPlannedSetRow = typeof workoutPlannedSets.$inferSelect;
export type BodyMetricRow = typeof bodyMetrics.$inferSelect;

/** What starting, completing and measuring need, shared by the use cases and the gateway's reads. */
export async function findMemberRole(tx: TenantTx, userId: string) {
  const [row] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.tenantId, tx.scope.tenantId), eq(memberships.userId, userId), currentMember));
  return row?.role;
}

export async function findProgram(tx: TenantTx, programId: string) {
  const [row] = await tx
    .select()
    .from(programs)
    .where(and(eq(programs.tenantId, tx.scope.tenantId), eq(programs.id, programId)));
  return row;
}

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

export async function markCompleted(tx: TenantTx, workoutId: string, completedAt: Date, summary: unknown) {
  await tx
    .update(workouts)
    .set({ status: 'completed', completedAt, summary })
    .where(and(eq(workouts.tenantId, tx.scope.tenantId), eq(workouts.id, workoutId)));
}

export async function insertBodyMetric(tx: TenantTx, row: NewRow<typeof bodyMetrics>) {
  const [inserted] = await tx.insert(bodyMetrics).values({ ...row, tenantId: tx.scope.tenantId }).returning();
  return inserted!;
}

export async function findBodyMetric(tx: TenantTx, id: string) {
  const [row] = await tx
    .select()
    .from(bodyMetrics)
    .where(and(eq(bodyMetrics.tenantId, tx.scope.tenantId), eq(bodyMetrics.id, id)));
  return row;
}
