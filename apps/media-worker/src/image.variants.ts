import { join } from 'node:path';
import sharp from 'sharp';
import { InvalidMediaError } from './media.errors';

export interface RenderedVariant {
  name: 'thumb' | 'medium' | 'poster' | '720p';
  path: string;
  contentType: string;
  width: number;
  height: number;
}

export interface RenderedMedia {
  variants: RenderedVariant[];
  metadata: Record<string, unknown>;
}

const MEDIUM = 1024;
const THUMB = 256;

/**
 * `medium` (longest side 1024) and `thumb` (256) WebP variants. The source is
 * decoded once, EXIF orientation applied, and both are encoded from those
 * pixels; sharp writes no metadata unless asked, so EXIF (GPS included) is gone.
 * The pixel limit is checked on the header, before anything is decoded.
 */
export async function renderImageVariants(input: string, outDir: string, maxPixels: number): Promise<RenderedMedia> {
  let meta: sharp.Metadata;
  try {
    // Reading the header decodes no pixels, so the limit is checked below with a clearer message.
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new InvalidMediaError(`not a readable image (${(error as Error).message})`);
  }
  if (!meta.width || !meta.height) throw new InvalidMediaError('not a readable image (no dimensions)');
  if (meta.width * meta.height > maxPixels) {
    throw new InvalidMediaError(`the image is ${meta.width}x${meta.height} pixels, over the limit of ${maxPixels}`);
  }
  try {
    const { data, info } = await sharp(input, { limitInputPixels: maxPixels })
      .rotate()
      .resize(MEDIUM, MEDIUM, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
    const medium = join(outDir, 'medium.webp');
    const thumb = join(outDir, 'thumb.webp');
    const [m, t] = await Promise.all([
      sharp(data, raw).webp({ quality: 82 }).toFile(medium),
      sharp(data, raw).resize(THUMB, THUMB, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 78 }).toFile(thumb),
    ]);
    const oriented = (meta.orientation ?? 1) >= 5 ? { width: meta.height, height: meta.width } : { width: meta.width, height: meta.height };
    return {
      variants: [
        { name: 'thumb', path: thumb, contentType: 'image/webp', width: t.width, height: t.height },
        { name: 'medium', path: medium, contentType: 'image/webp', width: m.width, height: m.height },
      ],
      metadata: oriented,
    };
  } catch (error) {
    if (error instanceof InvalidMediaError) throw error;
    throw new InvalidMediaError(`the image could not be decoded (${(error as Error).message})`);
  }
}
