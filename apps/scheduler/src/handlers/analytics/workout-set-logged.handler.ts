import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { RollupService } from '../../analytics/rollup.service';

/** analytics queue, event `workout.set_logged`: the set's day gets its sets, volume, best e1RM and records again. */
export function workoutSetLoggedHandler(deps: { rollups: RollupService }): EventHandler<'workout.set_logged'> {
  return (event) => deps.rollups.refresh(event, event.payload.athleteId, [event.payload.loggedAt]);
}
