import { recordAudit } from '@coachline/db/audit';
import type { Database } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { emit } from '@coachline/db/outbox';
import { isAssigned } from '@coachline/db/program-assignments';
import { findWorkout } from '@coachline/db/workout-sets';
import { daySets, findMemberRole, findProgram, findProgramDay, insertWorkout, workoutContents } from '@coachline/db/workouts';
import type { Actor } from '@coachline/domain/actor';
import { ConflictError, ForbiddenError, ValidationError } from '@coachline/domain/errors';
import { canActFor } from './workout-access';
import { toLoggedSet, toPlannedSet, toWorkoutHeader } from './workout-view';

export interface StartWorkoutInput {
  /** Client-generated id (offline sync): sending it again returns the stored workout and changes nothing. */
  id?: string;
  programId?: string;
  dayIndex?: number;
  title?: string;
  athleteId?: string;
}

/**
 * Starts a workout, from a program day or ad hoc: POST /v1/workouts and the
 * `workout.start` sync mutation. An athlete starts their own; a coach may name
 * the athlete. The workout, its planned sets, `workout.started` and the audit
 * row commit together.
 */
export class StartWorkoutUseCase {
  constructor(private readonly db: Database) {}

  async execute(actor: Actor, input: StartWorkoutInput) {
    const athleteId = input.athleteId ?? actor.userId;
    if (!canActFor(actor, athleteId, 'write')) throw new ForbiddenError('Only coaches and admins start workouts for other athletes.');
    if (input.dayIndex !== undefined && input.programId === undefined) throw new ValidationError('dayIndex needs a programId.', [{ path: 'dayIndex', message: 'Requires programId' }]);
    return this.db.withTenant(actor, async (tx) => {
      if (input.id) {
        const existing = await findWorkout(tx, input.id);
        if (existing) {
          if (existing.athleteId !== athleteId) throw new ConflictError('This workout id is already used by another workout.');
          const { planned, sets } = await workoutContents(tx, existing.id);
          return { ...toWorkoutHeader(existing), plannedSets: planned.map(toPlannedSet), sets: sets.map(toLoggedSet) };
        }
      }
      if (athleteId !== actor.userId && !(await findMemberRole(tx, athleteId))) {
        throw new ValidationError('No such member in this organization.', [{ path: 'athleteId', message: 'Unknown member' }]);
      }
      const workoutId = input.id ?? newId();
      let planned: { id: string; workoutId: string; exerciseId: string; position: number; reps: number; weightKg: number | null; rpe: number | null }[] = [];
      if (input.programId) {
        // An athlete starts only from a program assigned to them: the others are invisible to them.
        const visible = actor.permissions.includes('program:read:any') || (await isAssigned(tx, input.programId, actor.userId));
        if (!visible || !(await findProgram(tx, input.programId))) throw new ValidationError('The program does not exist.', [{ path: 'programId', message: 'Unknown program' }]);
        const day = await findProgramDay(tx, input.programId, input.dayIndex ?? 0);
        if (!day) throw new ValidationError('The program has no such day.', [{ path: 'dayIndex', message: 'No such day in the program' }]);
        planned = (await daySets(tx, day.id)).map((set, position) => ({ id: newId(), workoutId, exerciseId: set.exerciseId, position, reps: set.reps, weightKg: set.weightKg, rpe: set.rpe }));
      }
      const created = await insertWorkout(
        tx,
        { id: workoutId, athleteId, programId: input.programId ?? null, dayIndex: input.programId ? (input.dayIndex ?? 0) : null, title: input.title ?? null, status: 'in_progress' },
        planned,
      );
      await emit(tx, 'workout.started', { workoutId, athleteId, startedAt: created.workout.startedAt.toISOString(), title: created.workout.title });
      await recordAudit(tx, { actorId: actor.userId, action: 'workout.started', entityType: 'workout', entityId: workoutId, summary: { athleteId, programId: input.programId ?? null } });
      return { ...toWorkoutHeader(created.workout), plannedSets: created.planned.map(toPlannedSet), sets: [] as ReturnType<typeof toLoggedSet>[] };
    });
  }
}
