import { processOnce } from '@coachline/db/processed-events';
import { scopeOf } from '@coachline/domain/events';
import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { IntegrationsDeps } from './integrations.handlers';

/** integrations queue, event `integration.disconnected`: the connection's recurring sync ends. */
export function integrationDisconnectedHandler(deps: Pick<IntegrationsDeps, 'db' | 'schedules'>): EventHandler<'integration.disconnected'> {
  return async (event) => {
    await deps.schedules.stop(event.payload.connectionId);
    await deps.db.withTenant(scopeOf(event), (tx) => processOnce(tx, event.id, 'integrations', async () => undefined));
  };
}
