import { recordAudit } from '@coachline/db/audit';
import { afterCommit, type Database } from '@coachline/db/database';
import { deleteSet, lockRecords } from '@coachline/db/workout-sets';
import type { Actor } from '@coachline/domain/actor';
import { rooms } from '@coachline/domain/socket';
import type { Progress } from '@coachline/domain/training-rules';
import type { Logger } from '@coachline/runtime/logger';
import { broadcast, type LiveBroadcast } from '../live-broadcast';
import { settleCorrection } from './set-correction';
import { assertSetsEditable, setOfWorkout, workoutFor } from './workout-access';

/**
 * Deletes a logged set (REST's DELETE, offline sync's `set.delete`), under the
 * same rules as correcting one. The records it held go with it and the
 * exercise's history is judged again; after commit the workout's room gets
 * `set:deleted`.
 */
export class DeleteSetUseCase {
  constructor(
    private readonly db: Database,
    private readonly live: LiveBroadcast,
    private readonly logger: Logger,
  ) {}

  async execute(actor: Actor, workoutId: string, setId: string): Promise<{ setId: string; progress: Progress }> {
    return this.db.withTenant(actor, async (tx) => {
      const workout = await workoutFor(tx, actor, workoutId, 'write', true);
      const existing = await setOfWorkout(tx, workoutId, setId);
      assertSetsEditable(workout);

      await lockRecords(tx, workout.athleteId, existing.exerciseId);
      await deleteSet(tx, setId);
      const progress = await settleCorrection(tx, workout, existing, 'workout.set_deleted');
      await recordAudit(tx, {
        actorId: actor.userId,
        action: 'workout.set_deleted',
        entityType: 'workout_set',
        entityId: setId,
        summary: { workoutId, exerciseId: existing.exerciseId, reps: existing.reps, weightKg: existing.weightKg },
      });
      afterCommit(tx, () => broadcast(this.live, this.logger, actor, rooms.workout(actor.tenantId, workoutId), 'set:deleted', { workoutId, setId, progress }));
      return { setId, progress };
    });
  }
}
