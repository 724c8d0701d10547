import { scopeOf } from '@coachline/domain/events';
import type { JobHandler } from '@coachline/runtime/queue-consumer';
import type { MediaTask, Outcome } from '../media.processor';

/**
 * media queue, job `process`: renders an asset's variants again (see
 * `enqueueReprocess`); queued at a lower priority, so uploads go first.
 */
export function processHandler(run: (task: MediaTask) => Promise<Outcome>): JobHandler<'media', 'process'> {
  return (job) => run({ scope: scopeOf(job), mediaId: job.mediaId, reason: job.reason });
}
