import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { RollupService } from '../../analytics/rollup.service';

/** analytics queue, event `workout.started`: the day it started counts one more started workout. */
export function workoutStartedHandler(deps: { rollups: RollupService }): EventHandler<'workout.started'> {
  return (event) => deps.rollups.refresh(event, event.payload.athleteId, [event.payload.startedAt]);
}
