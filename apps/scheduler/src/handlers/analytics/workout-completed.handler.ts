import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { RollupService } from '../../analytics/rollup.service';

/** analytics queue, event `workout.completed`: the day it was completed gets its count, duration and calories again. */
export function workoutCompletedHandler(deps: { rollups: RollupService }): EventHandler<'workout.completed'> {
  return (event) => deps.rollups.refresh(event, event.payload.athleteId, [event.payload.completedAt]);
}
