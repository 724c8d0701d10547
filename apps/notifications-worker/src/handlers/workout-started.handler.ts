import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { LiveDelivery } from '../channels/live';

/**
 * notifications queue, event `workout.started`: the tenant's coaches see it
 * live (`workout:started`). Live only, nothing stored: a coach who was not
 * connected reads the workout list instead.
 */
export function workoutStartedHandler(live: LiveDelivery): EventHandler<'workout.started'> {
  return async (event) => {
    const { workoutId, athleteId, title } = event.payload;
    live.workoutStarted(event.tenantId, { workoutId, athleteId, title: title ?? null });
  };
}
