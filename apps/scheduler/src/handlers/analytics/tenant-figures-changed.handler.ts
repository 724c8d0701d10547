import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { RollupService } from '../../analytics/rollup.service';

/**
 * analytics queue, events `session.scheduled`, `session.cancelled`, `purchase.paid`
 * and `purchase.refunded`: sessions booked and revenue are read live from their
 * tables, so the tenant's cached figures are invalidated.
 */
export function tenantFiguresChangedHandler<T extends 'session.scheduled' | 'session.cancelled' | 'purchase.paid' | 'purchase.refunded'>(deps: { rollups: RollupService }): EventHandler<T> {
  return async (event) => {
    await deps.rollups.invalidate(event.tenantId);
  };
}
