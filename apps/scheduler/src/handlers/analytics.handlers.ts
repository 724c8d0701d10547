import type { QueueHandlers } from '@coachline/runtime/queue-consumer';
import type { RollupService } from '../analytics/rollup.service';
import { bodyMetricRecordedHandler } from './analytics/body-metric-recorded.handler';
import { programAssignedHandler } from './analytics/program-assigned.handler';
import { tenantFiguresChangedHandler } from './analytics/tenant-figures-changed.handler';
import { workoutCompletedHandler } from './analytics/workout-completed.handler';
import { workoutSetDeletedHandler } from './analytics/workout-set-deleted.handler';
import { workoutSetLoggedHandler } from './analytics/workout-set-logged.handler';
import { workoutSetUpdatedHandler } from './analytics/workout-set-updated.handler';
import { workoutStartedHandler } from './analytics/workout-started.handler';

/** The `analytics` queue: events that change the analytics, one handler file each. */
export function analyticsHandlers(deps: { rollups: RollupService }): QueueHandlers<'analytics'> {
  return {
    jobs: {},
    events: {
      'workout.started': workoutStartedHandler(deps),
      'workout.set_logged': workoutSetLoggedHandler(deps),
      'workout.set_updated': workoutSetUpdatedHandler(deps),
      'workout.set_deleted': workoutSetDeletedHandler(deps),
      'workout.completed': workoutCompletedHandler(deps),
      'body_metric.recorded': bodyMetricRecordedHandler(deps),
      'program.assigned': programAssignedHandler(deps),
      'session.scheduled': tenantFiguresChangedHandler(deps),
      'session.cancelled': tenantFiguresChangedHandler(deps),
      'purchase.paid': tenantFiguresChangedHandler(deps),
      'purchase.refunded': tenantFiguresChangedHandler(deps),
    },
  };
}
