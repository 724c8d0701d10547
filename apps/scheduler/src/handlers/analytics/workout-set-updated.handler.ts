import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { RollupService } from '../../analytics/rollup.service';

/** analytics queue, event `workout.set_updated`: every day the correction touched gets its figures again. */
export function workoutSetUpdatedHandler(deps: { rollups: RollupService }): EventHandler<'workout.set_updated'> {
  return (event) => deps.rollups.refresh(event, event.payload.athleteId, event.payload.affectedAt);
}
