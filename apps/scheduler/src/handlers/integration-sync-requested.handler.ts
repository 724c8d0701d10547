import { processOnce } from '@coachline/db/processed-events';
import { scopeOf } from '@coachline/domain/events';
import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { IntegrationsDeps } from './integrations.handlers';

/** integrations queue, event `integration.sync_requested` (the athlete, or the provider's push): a sync now. */
export function integrationSyncRequestedHandler(deps: Pick<IntegrationsDeps, 'db' | 'schedules'>): EventHandler<'integration.sync_requested'> {
  return async (event) => {
    const scope = scopeOf(event);
    await deps.schedules.now(scope, event.payload.connectionId, event.payload.reason, event.id);
    await deps.db.withTenant(scope, (tx) => processOnce(tx, event.id, 'integrations', async () => undefined));
  };
}
