import { scopeOf } from '@coachline/domain/events';
import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { MediaTask, Outcome } from '../media.processor';

/**
 * media queue, event `media.uploaded`: renders the upload's variants (or fails
 * it with a reason) and emits `media.ready`, once per event.
 */
export function mediaUploadedHandler(run: (task: MediaTask) => Promise<Outcome>): EventHandler<'media.uploaded'> {
  return (event) => run({ scope: scopeOf(event), mediaId: event.payload.mediaId, reason: 'upload', eventId: event.id });
}
