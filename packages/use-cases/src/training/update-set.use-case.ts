import { recordAudit } from '@coachline/db/audit';
import { afterCommit, type Database } from '@coachline/db/database';
import { lockRecords, recordOfSet, updateSet } from '@coachline/db/workout-sets';
import type { Actor } from '@coachline/domain/actor';
import { rooms } from '@coachline/domain/socket';
import { roundKg } from '@coachline/domain/training-rules';
import type { Logger } from '@coachline/runtime/logger';
import type { LazyInput } from '../lazy-input';
import { broadcast, type LiveBroadcast } from '../live-broadcast';
import { storedSet, type LoggedSetResult } from './log-set.use-case';
import { settleCorrection } from './set-correction';
import { assertSetsEditable, setOfWorkout, workoutFor } from './workout-access';

export interface UpdateSetInput {
  reps?: number;
  weightKg?: number;
  /** null clears it. */
  rpe?: number | null;
}

/**
 * Corrects a logged set (REST's PATCH, offline sync's `set.update`): the
 * athlete or staff, while the workout runs or within 24 h of its completion.
 * The exercise's records are judged again and, after commit, the workout's
 * room gets `set:updated`.
 */
export class UpdateSetUseCase {
  constructor(
    private readonly db: Database,
    private readonly live: LiveBroadcast,
    private readonly logger: Logger,
  ) {}

  async execute(actor: Actor, workoutId: string, setId: string, lazyInput: LazyInput<UpdateSetInput>): Promise<LoggedSetResult> {
    return this.db.withTenant(actor, async (tx) => {
      const workout = await workoutFor(tx, actor, workoutId, 'write', true);
      const existing = await setOfWorkout(tx, workoutId, setId);
      const input = lazyInput();
      assertSetsEditable(workout);

      await lockRecords(tx, workout.athleteId, existing.exerciseId);
      const row = await updateSet(tx, setId, {
        ...(input.reps !== undefined ? { reps: input.reps } : {}),
        ...(input.weightKg !== undefined ? { weightKg: roundKg(input.weightKg) } : {}),
        ...(input.rpe !== undefined ? { rpe: input.rpe } : {}),
      });
      const progress = await settleCorrection(tx, workout, row, 'workout.set_updated');
      await recordAudit(tx, {
        actorId: actor.userId,
        action: 'workout.set_updated',
        entityType: 'workout_set',
        entityId: setId,
        summary: { workoutId, before: { reps: existing.reps, weightKg: existing.weightKg, rpe: existing.rpe }, after: { reps: row.reps, weightKg: row.weightKg, rpe: row.rpe } },
      });
      const result = { set: storedSet(row), progress, personalRecord: await recordOfSet(tx, setId) };
      afterCommit(tx, () => broadcast(this.live, this.logger, actor, rooms.workout(actor.tenantId, workoutId), 'set:updated', { workoutId, ...result }));
      return result;
    });
  }
}
