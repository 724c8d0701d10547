import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { RollupService } from '../../analytics/rollup.service';

/** analytics queue, event `program.assigned`: planned workouts are read live from the assignments, so only the cache is invalidated. */
export function programAssignedHandler(deps: { rollups: RollupService }): EventHandler<'program.assigned'> {
  return async (event) => {
    await deps.rollups.invalidate(event.tenantId, event.payload.athleteId);
  };
}
