import type { QueueHandlers } from '@coachline/runtime/queue-consumer';
import type { MediaTask, Outcome } from '../media.processor';
import { mediaUploadedHandler } from './media-uploaded.handler';
import { processHandler } from './process.handler';

/** The `media` queue, one handler file per job and event; both run the media processor. */
export function mediaHandlers(run: (task: MediaTask) => Promise<Outcome>): QueueHandlers<'media'> {
  return {
    jobs: { process: processHandler(run) },
    events: { 'media.uploaded': mediaUploadedHandler(run) },
  };
}
