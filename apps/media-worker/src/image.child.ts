// Runs in a child process (see image.pool.ts): a hostile image can exhaust this
// process's memory or stall it, never the worker's event loop and its BullMQ locks.
import sharp from 'sharp';
import { InvalidMediaError } from './media.errors';
import { renderImageVariants } from './image.variants';

export interface ImageRequest {
  id: number;
  input: string;
  outDir: string;
  maxPixels: number;
}

export type ImageReply = { id: number; ok: true; result: Awaited<ReturnType<typeof renderImageVariants>> } | { id: number; ok: false; invalid: boolean; message: string };

// Each request is a different file: libvips' operation cache would only hold memory.
sharp.cache(false);

process.on('message', (request: ImageRequest) => {
  renderImageVariants(request.input, request.outDir, request.maxPixels).then(
    (result) => process.send?.({ id: request.id, ok: true, result } satisfies ImageReply),
    (error: Error) => process.send?.({ id: request.id, ok: false, invalid: error instanceof InvalidMediaError, message: error.message } satisfies ImageReply),
  );
});
process.on('disconnect', () => process.exit(0));
