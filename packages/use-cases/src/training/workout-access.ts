import type { Actor } from '@coachline/domain/actor';
import { ConflictError, ForbiddenError, NotFoundError } from '@coachline/domain/errors';
import type { TenantTx } from '@coachline/db/database';
import { findSet, findWorkout, type WorkoutRow, type WorkoutSetRow } from '@coachline/db/workout-sets';

/** An athlete acts on their own training; COACH and ADMIN on any athlete's. */
export function canActFor(actor: Actor, athleteId: string, mode: 'read' | 'write'): boolean {
  const only = onlyAthleteFor(actor, mode);
  return only === null || only === athleteId;
}

/** The one athlete whose training the actor may act on, or null when canActFor allows any: for checks made in SQL. */
export function onlyAthleteFor(actor: Actor, mode: 'read' | 'write'): string | null {
  return actor.permissions.includes(mode === 'read' ? 'workout:read:any' : 'workout:write:any') ? null : actor.userId;
}

/**
 * The workout if the actor may see (or write) it. Another tenant's id is
 * invisible under RLS, hence NotFound; another athlete's is Forbidden.
 */
export async function workoutFor(tx: TenantTx, actor: Actor, workoutId: string, mode: 'read' | 'write', lock = false): Promise<WorkoutRow> {
  const workout = await findWorkout(tx, workoutId, lock);
  assertWorkoutAccess(actor, workout, mode);
  return workout;
}

/** The checks of workoutFor, for a workout read some other way: NotFound when there is none, Forbidden when it is another athlete's. */
export function assertWorkoutAccess<W extends { athleteId: string }>(actor: Actor, workout: W | undefined, mode: 'read' | 'write'): asserts workout is W {
  if (!workout) throw new NotFoundError('Workout not found.');
  if (!canActFor(actor, workout.athleteId, mode)) throw new ForbiddenError('This workout belongs to another athlete.');
}

/** How long after its completion a workout's sets may still be corrected. */
export const SET_EDIT_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Sets are corrected while the workout runs or within a day of its completion; later the history stands. */
export function assertSetsEditable(workout: WorkoutRow, now: Date = new Date()): void {
  if (workout.status === 'in_progress') return;
  if (workout.completedAt && now.getTime() - workout.completedAt.getTime() <= SET_EDIT_WINDOW_MS) return;
  throw new ConflictError('The workout was completed more than 24 hours ago; its sets can no longer change.');
}

/** A logged set of the workout; a set of another workout is as missing as an unknown one. */
export async function setOfWorkout(tx: TenantTx, workoutId: string, setId: string): Promise<WorkoutSetRow> {
  const set = await findSet(tx, setId);
  if (!set || set.workoutId !== workoutId) throw new NotFoundError('Set not found in this workout.');
  return set;
}
