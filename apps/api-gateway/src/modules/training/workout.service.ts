import type { Database } from '@coachline/db/database';
import { recordAudit } from '@coachline/db/audit';
import { emit } from '@coachline/db/outbox';
import { newId } from '@coachline/db/ids';
import { recordsOfWorkout, type WorkoutRow } from '@coachline/db/workout-sets';
import type { z } from 'zod';
import type { workoutBody, workoutQuery } from '@coachline/domain/api/training';
import { ConflictError, ForbiddenError, ValidationError } from '@coachline/domain/errors';
import { roundKg } from '@coachline/domain/training-rules';
import { decodeCursor, page } from '@coachline/db/pagination';
import type { Actor } from '@coachline/domain/actor';
import { canActFor, workoutFor } from '@coachline/use-cases/training/workout-access';
import {
  daySets,
  findMemberRole,
  findProgram,
  findProgramDay,
  insertWorkout,
  isAssigned,
  listWorkouts,
  markCompleted,
  workoutContents,
  workoutTotals,
  type WorkoutPlannedSetRow,
  type WorkoutSetRow,
} from './training.repository';

const toWorkoutHeader = (w: WorkoutRow) => ({
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
const toPlannedSet = (p: WorkoutPlannedSetRow) => ({ id: p.id, exerciseId: p.exerciseId, position: p.position, reps: p.reps, weightKg: p.weightKg, rpe: p.rpe });
const toLoggedSet = (s: WorkoutSetRow) => ({ id: s.id, exerciseId: s.exerciseId, reps: s.reps, weightKg: s.weightKg, rpe: s.rpe, plannedSetId: s.plannedSetId, loggedAt: s.loggedAt.toISOString() });

export class WorkoutService {
  constructor(private readonly db: Database) {}

  async start(actor: Actor, body: z.output<typeof workoutBody>) {
    const athleteId = body.athleteId ?? actor.userId;
    if (!canActFor(actor, athleteId, 'write')) throw new ForbiddenError('Only coaches and admins start workouts for other athletes.');
    if (body.dayIndex !== undefined && body.programId === undefined) throw new ValidationError('dayIndex needs a programId.', [{ path: 'dayIndex', message: 'Requires programId' }]);
    return this.db.withTenant(actor, async (tx) => {
      if (athleteId !== actor.userId && !(await findMemberRole(tx, athleteId))) {
        throw new ValidationError('No such member in this organization.', [{ path: 'athleteId', message: 'Unknown member' }]);
      }
      const workoutId = newId();
      let planned: { id: string; workoutId: string; exerciseId: string; position: number; reps: number; weightKg: number | null; rpe: number | null }[] = [];
      if (body.programId) {
        // An athlete starts only from a program assigned to them: the others are invisible to them.
        const visible = actor.permissions.includes('program:read:any') || (await isAssigned(tx, body.programId, actor.userId));
        if (!visible || !(await findProgram(tx, body.programId))) throw new ValidationError('The program does not exist.', [{ path: 'programId', message: 'Unknown program' }]);
        const day = await findProgramDay(tx, body.programId, body.dayIndex ?? 0);
        if (!day) throw new ValidationError('The program has no such day.', [{ path: 'dayIndex', message: 'No such day in the program' }]);
        planned = (await daySets(tx, day.id)).map((set, position) => ({ id: newId(), workoutId, exerciseId: set.exerciseId, position, reps: set.reps, weightKg: set.weightKg, rpe: set.rpe }));
      }
      const created = await insertWorkout(
        tx,
        { id: workoutId, athleteId, programId: body.programId ?? null, dayIndex: body.programId ? (body.dayIndex ?? 0) : null, title: body.title ?? null, status: 'in_progress' },
        planned,
      );
      await emit(tx, 'workout.started', { workoutId, athleteId, startedAt: created.workout.startedAt.toISOString() });
      await recordAudit(tx, { actorId: actor.userId, action: 'workout.started', entityType: 'workout', entityId: workoutId, summary: { athleteId, programId: body.programId ?? null } });
      return { ...toWorkoutHeader(created.workout), plannedSets: created.planned.map(toPlannedSet), sets: [] };
    });
  }

  async get(actor: Actor, workoutId: string) {
    return this.db.withTenant(actor, async (tx) => {
      const workout = await workoutFor(tx, actor, workoutId, 'read');
      const { planned, sets } = await workoutContents(tx, workoutId);
      return { ...toWorkoutHeader(workout), plannedSets: planned.map(toPlannedSet), sets: sets.map(toLoggedSet) };
    });
  }

  async list(actor: Actor, query: z.output<typeof workoutQuery>) {
    let athleteId = query.athleteId;
    if (!actor.permissions.includes('workout:read:any')) {
      if (athleteId && athleteId !== actor.userId) throw new ForbiddenError("Athletes see only their own workouts.");
      athleteId = actor.userId;
    }
    const cursor = decodeCursor(query.cursor);
    const rows = await this.db.withTenant(actor, (tx) => listWorkouts(tx, { athleteId, status: query.status }, query.limit, cursor?.id));
    const result = page(rows, query.limit, (row) => ({ id: row.id }));
    return { items: result.items.map(toWorkoutHeader), nextCursor: result.nextCursor };
  }

  async complete(actor: Actor, workoutId: string) {
    return this.db.withTenant(actor, async (tx) => {
      const workout = await workoutFor(tx, actor, workoutId, 'write', true);
      if (workout.status === 'completed') throw new ConflictError('The workout is already completed.');
      const completedAt = new Date();
      const totals = await workoutTotals(tx, workoutId);
      const summary = {
        sets: totals.sets,
        volumeKg: roundKg(totals.volumeKg),
        durationSeconds: Math.max(0, Math.round((completedAt.getTime() - workout.startedAt.getTime()) / 1000)),
        personalRecords: await recordsOfWorkout(tx, workoutId),
      };
      await markCompleted(tx, workoutId, completedAt, summary);
      await emit(tx, 'workout.completed', { workoutId, athleteId: workout.athleteId, actorId: actor.userId, sets: summary.sets, volumeKg: summary.volumeKg, durationSeconds: summary.durationSeconds, startedAt: workout.startedAt.toISOString(), completedAt: completedAt.toISOString() });
      await recordAudit(tx, { actorId: actor.userId, action: 'workout.completed', entityType: 'workout', entityId: workoutId, summary: { sets: summary.sets, volumeKg: summary.volumeKg } });
      return { id: workoutId, status: 'completed' as const, completedAt: completedAt.toISOString(), summary };
    });
  }
}
