import type { Actor } from '@coachline/domain/actor';
import { ForbiddenError, NotFoundError } from '@coachline/domain/errors';
import type { TenantTx } from '@coachline/db/database';
import { findWorkout, type WorkoutRow } from '@coachline/db/workout-sets';

/** An athlete acts on their own training; COACH and ADMIN on any athlete's. */
export function canActFor(actor: Actor, athleteId: string, mode: 'read' | 'write'): boolean {
  return athleteId === actor.userId || actor.permissions.includes(mode === 'read' ? 'workout:read:any' : 'workout:write:any');
}

/**
 * The workout if the actor may see (or write) it. Another tenant's id is
 * invisible under RLS, hence NotFound; another athlete's is Forbidden.
 */
export async function workoutFor(tx: TenantTx, actor: Actor, workoutId: string, mode: 'read' | 'write', lock = false): Promise<WorkoutRow> {
  const workout = await findWorkout(tx, workoutId, lock);
  if (!workout) throw new NotFoundError('Workout not found.');
  if (!canActFor(actor, workout.athleteId, mode)) throw new ForbiddenError('This workout belongs to another athlete.');
  return workout;
}
