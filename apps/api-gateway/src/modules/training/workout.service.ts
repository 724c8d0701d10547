import type { Database } from '@coachline/db/database';
import type { z } from 'zod';
import type { workoutQuery } from '@coachline/domain/api/training';
import { ForbiddenError } from '@coachline/domain/errors';
import { decodeCursor, page } from '@coachline/db/pagination';
import type { Actor } from '@coachline/domain/actor';
import { workoutFor } from '@coachline/use-cases/training/workout-access';
import { toLoggedSet, toPlannedSet, toWorkoutHeader } from '@coachline/use-cases/training/workout-view';
import { listWorkouts, workoutContents } from './training.repository';

/** Reads of workouts; starting and completing are use cases shared with offline sync. */
export class WorkoutService {
  constructor(private readonly db: Database) {}

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
}
