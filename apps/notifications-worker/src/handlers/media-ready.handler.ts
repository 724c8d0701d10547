import { findMedia } from '../notification.repository';
import type { EventPlanner } from '../notification-plan';

/** notifications queue, event `media.ready`: the uploader. */
export const mediaReady: EventPlanner<'media.ready'> = {
  async one(tx, event) {
    const p = event.payload;
    const media = await findMedia(tx, p.mediaId);
    return {
      type: 'media.ready',
      sourceId: event.id,
      recipients: [p.ownerId],
      title: 'Your upload is ready',
      body: media ? `${media.filename} has been processed.` : 'Your file has been processed.',
      data: { mediaId: p.mediaId },
      path: `/media/${p.mediaId}`,
    };
  },
};
