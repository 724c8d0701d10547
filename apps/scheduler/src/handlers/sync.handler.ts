import type { JobHandler } from '@coachline/runtime/queue-consumer';
import type { IntegrationsDeps } from './integrations.handlers';

/** integrations queue, job `sync`: imports one connection's new activities (see IntegrationSyncService). */
export function syncHandler(deps: Pick<IntegrationsDeps, 'sync'>): JobHandler<'integrations', 'sync'> {
  return async (job) => deps.sync.sync({ tenantId: job.tenantId, requestId: job.requestId, traceparent: job.traceparent }, job.connectionId);
}
