import { and, asc, eq, inArray } from 'drizzle-orm';
import type { TenantTx } from '@coachline/db/database';
import {
  bodyMetrics,
  coachingSessions,
  exercises,
  messages,
  notifications,
  programAssignments,
  programDays,
  programPlannedSets,
  programs,
  workoutPlannedSets,
  workouts,
  workoutSets,
} from '@coachline/db/schema/index';
import type { SyncEntity } from '@coachline/domain/api/sync';
import { toBodyMetric, toLoggedSet, toPlannedSet, toWorkoutHeader } from '@coachline/use-cases/training/workout-view';
import { notificationOut } from '../notifications/notifications.service';
import { sessionView } from '../scheduling/session.service';
import { toExercise } from '../training/exercise.service';
import { toProgram } from '../training/program.service';

type Loader = (tx: TenantTx, ids: string[]) => Promise<Map<string, unknown>>;

const byId = <T extends { id: string }>(rows: T[], view: (row: T) => unknown) => new Map(rows.map((row) => [row.id, view(row)]));

function groupBy<T, K>(rows: T[], key: (row: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}

/**
 * Each entity's current state as its REST read shows it, for the ids a page of
 * the change feed names. An id missing from the answer no longer exists.
 */
export const SYNC_ENTITY_LOADERS: Record<SyncEntity, Loader> = {
  async workout(tx, ids) {
    const t = tx.scope.tenantId;
    const rows = await tx.select().from(workouts).where(and(eq(workouts.tenantId, t), inArray(workouts.id, ids)));
    const planned = groupBy(
      await tx.select().from(workoutPlannedSets).where(and(eq(workoutPlannedSets.tenantId, t), inArray(workoutPlannedSets.workoutId, ids))).orderBy(asc(workoutPlannedSets.position)),
      (row) => row.workoutId,
    );
    const sets = groupBy(
      await tx.select().from(workoutSets).where(and(eq(workoutSets.tenantId, t), inArray(workoutSets.workoutId, ids))).orderBy(asc(workoutSets.loggedAt), asc(workoutSets.id)),
      (row) => row.workoutId,
    );
    return byId(rows, (w) => ({ ...toWorkoutHeader(w), plannedSets: (planned.get(w.id) ?? []).map(toPlannedSet), sets: (sets.get(w.id) ?? []).map(toLoggedSet) }));
  },
  async set(tx, ids) {
    const rows = await tx.select().from(workoutSets).where(and(eq(workoutSets.tenantId, tx.scope.tenantId), inArray(workoutSets.id, ids)));
    return byId(rows, (s) => ({ ...toLoggedSet(s), workoutId: s.workoutId }));
  },
  async program(tx, ids) {
    const t = tx.scope.tenantId;
    const rows = await tx.select().from(programs).where(and(eq(programs.tenantId, t), inArray(programs.id, ids)));
    const days = await tx.select().from(programDays).where(and(eq(programDays.tenantId, t), inArray(programDays.programId, ids))).orderBy(asc(programDays.position));
    const sets = days.length
      ? await tx
          .select()
          .from(programPlannedSets)
          .where(and(eq(programPlannedSets.tenantId, t), inArray(programPlannedSets.dayId, days.map((d) => d.id))))
          .orderBy(asc(programPlannedSets.exercisePosition), asc(programPlannedSets.setPosition))
      : [];
    const daysOf = groupBy(days, (d) => d.programId);
    const setsOf = groupBy(sets, (s) => s.dayId);
    return byId(rows, (p) => {
      const own = daysOf.get(p.id) ?? [];
      return toProgram(p, own, own.flatMap((d) => setsOf.get(d.id) ?? []));
    });
  },
  async assignment(tx, ids) {
    const rows = await tx.select().from(programAssignments).where(and(eq(programAssignments.tenantId, tx.scope.tenantId), inArray(programAssignments.id, ids)));
    return byId(rows, (a) => ({ id: a.id, programId: a.programId, athleteId: a.athleteId, startDate: a.startDate, assignedBy: a.assignedBy, createdAt: a.createdAt.toISOString() }));
  },
  async message(tx, ids) {
    const rows = await tx.select().from(messages).where(and(eq(messages.tenantId, tx.scope.tenantId), inArray(messages.id, ids)));
    return byId(rows, (m) => ({ id: m.id, conversationId: m.conversationId, fromUserId: m.fromUserId, body: m.body, workoutId: m.workoutId, createdAt: m.createdAt.toISOString() }));
  },
  async notification(tx, ids) {
    const rows = await tx.select().from(notifications).where(and(eq(notifications.tenantId, tx.scope.tenantId), inArray(notifications.id, ids)));
    return byId(rows, notificationOut);
  },
  async session(tx, ids) {
    const rows = await tx.select().from(coachingSessions).where(and(eq(coachingSessions.tenantId, tx.scope.tenantId), inArray(coachingSessions.id, ids)));
    return byId(rows, sessionView);
  },
  async body_metric(tx, ids) {
    const rows = await tx.select().from(bodyMetrics).where(and(eq(bodyMetrics.tenantId, tx.scope.tenantId), inArray(bodyMetrics.id, ids)));
    return byId(rows, toBodyMetric);
  },
  async exercise(tx, ids) {
    const rows = await tx.select().from(exercises).where(and(eq(exercises.tenantId, tx.scope.tenantId), inArray(exercises.id, ids)));
    return byId(rows, toExercise);
  },
};
