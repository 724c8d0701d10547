import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { RollupService } from '../../analytics/rollup.service';

/** analytics queue, event `workout.set_deleted`: every day the deletion touched gets its figures again. */
export function workoutSetDeletedHandler(deps: { rollups: RollupService }): EventHandler<'workout.set_deleted'> {
  return (event) => deps.rollups.refresh(event, event.payload.athleteId, event.payload.affectedAt);
}
