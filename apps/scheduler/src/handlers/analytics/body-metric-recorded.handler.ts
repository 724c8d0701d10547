import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { RollupService } from '../../analytics/rollup.service';

/** analytics queue, event `body_metric.recorded`: body-weight change is read live, so only the cache is invalidated. */
export function bodyMetricRecordedHandler(deps: { rollups: RollupService }): EventHandler<'body_metric.recorded'> {
  return async (event) => {
    await deps.rollups.invalidate(event.tenantId, event.payload.userId);
  };
}
