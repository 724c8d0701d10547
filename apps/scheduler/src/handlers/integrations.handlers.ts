import type { Database } from '@coachline/db/database';
import type { Logger } from '@coachline/runtime/logger';
import type { QueueHandlers } from '@coachline/runtime/queue-consumer';
import type { IntegrationSyncService } from '../integrations/integration-sync.service';
import type { SyncSchedules } from '../integrations/sync-schedules';
import { integrationConnectedHandler } from './integration-connected.handler';
import { integrationDisconnectedHandler } from './integration-disconnected.handler';
import { integrationSyncRequestedHandler } from './integration-sync-requested.handler';
import { syncHandler } from './sync.handler';

export interface IntegrationsDeps {
  db: Database;
  sync: IntegrationSyncService;
  schedules: SyncSchedules;
  logger: Logger;
}

/**
 * The `integrations` queue, consumed in the scheduler: syncs run on its clock
 * (a job scheduler per connection) and are network-bound and few (Strava's
 * budget caps them at 100 requests per 15 minutes for the whole platform), so
 * they need no app of their own; a sync's CPU is a few row writes.
 */
export function integrationsHandlers(deps: IntegrationsDeps): QueueHandlers<'integrations'> {
  return {
    jobs: {
      sync: syncHandler(deps),
    },
    events: {
      'integration.connected': integrationConnectedHandler(deps),
      'integration.sync_requested': integrationSyncRequestedHandler(deps),
      'integration.disconnected': integrationDisconnectedHandler(deps),
    },
  };
}
