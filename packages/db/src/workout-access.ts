import { and, eq } from 'drizzle-orm';
import { ForbiddenError, NotFoundError } from '@coachline/domain/errors';
import { hasPermission, type Role } from '@coachline/domain/roles';
import type { TenantTx } from './database';
import { workouts } from './schema/index';

/** Who acts on training data: REST and the socket both describe their caller this way. */
export interface TrainingActor {
  tenantId: string;
  userId: string;
  role: Role;
  requestId?: string;
  traceparent?: string;
}

export type WorkoutRow = typeof workouts.$inferSelect;

/** An athlete acts on their own training; COACH and ADMIN on any athlete's. */
export function canActFor(actor: TrainingActor, athleteId: string, mode: 'read' | 'write'): boolean {
  return athleteId === actor.userId || hasPermission(actor.role, mode === 'read' ? 'workout:read:any' : 'workout:write:any');
}

/**
 * The workout if the actor may see (or write) it. Another tenant's id is
 * invisible under RLS, hence NotFound; another athlete's is Forbidden.
 */
export async function workoutFor(tx: TenantTx, actor: TrainingActor, workoutId: string, mode: 'read' | 'write', lock = false): Promise<WorkoutRow> {
  const query = tx
    .select()
    .from(workouts)
    .where(and(eq(workouts.tenantId, actor.tenantId), eq(workouts.id, workoutId)));
  const [workout] = lock ? await query.for('update') : await query;
  if (!workout) throw new NotFoundError('Workout not found.');
  if (!canActFor(actor, workout.athleteId, mode)) throw new ForbiddenError('This workout belongs to another athlete.');
  return workout;
}
