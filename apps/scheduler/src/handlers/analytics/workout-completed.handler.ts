import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { RollupService } from '../../analytics/rollup.service';

/**
 * analytics queue, event `workout.completed`: the day it was completed gets
 * its count, duration and calories again, and so does the day it started,
 * when that is another. An imported activity has no `workout.started`, so its
 * completion is the only event that can count it as started, on its own day.
 */
export function workoutCompletedHandler(deps: { rollups: RollupService }): EventHandler<'workout.completed'> {
  return (event) => deps.rollups.refresh(event, event.payload.athleteId, [event.payload.startedAt, event.payload.completedAt]);
}
