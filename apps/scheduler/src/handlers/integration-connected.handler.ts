import { processOnce } from '@coachline/db/processed-events';
import { scopeOf } from '@coachline/domain/events';
import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { IntegrationsDeps } from './integrations.handlers';

/** integrations queue, event `integration.connected`: the connection's recurring sync, and a first sync now. */
export function integrationConnectedHandler(deps: Pick<IntegrationsDeps, 'db' | 'schedules'>): EventHandler<'integration.connected'> {
  return async (event) => {
    const scope = scopeOf(event);
    await deps.schedules.start(scope, event.payload.connectionId);
    await deps.schedules.now(scope, event.payload.connectionId, 'connect', event.id);
    await deps.db.withTenant(scope, (tx) => processOnce(tx, event.id, 'integrations', async () => undefined));
  };
}
