import { z } from 'zod';
import { uuid } from './common';

export const MEDIA_KINDS = ['image', 'video', 'document'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];
export const MEDIA_STATUSES = ['pending', 'processing', 'ready', 'failed'] as const;
export type MediaStatus = (typeof MEDIA_STATUSES)[number];

/** Declared content types each kind accepts; the media-worker can turn each of them into variants. */
export const ALLOWED_CONTENT_TYPES: Readonly<Record<MediaKind, readonly string[]>> = {
  image: ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif'],
  video: ['video/mp4', 'video/quicktime', 'video/webm'],
  document: ['application/pdf'],
};

/** Variant names: images get thumb + medium, videos poster + 720p, documents are served as uploaded. */
export const VARIANT_NAMES = ['thumb', 'medium', 'poster', '720p', 'original'] as const;
export type VariantName = (typeof VARIANT_NAMES)[number];

/** A file name as shown to people: no paths, no control characters. */
const filename = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[^/\\\u0000-\u001f\u007f]+$/, 'must be a plain file name without path separators or control characters');

export const uploadIntentBody = z
  .strictObject({
    filename,
    contentType: z.string().trim().toLowerCase().max(100),
    // Checked against the configured per-file limit (413) after validation, not here.
    sizeBytes: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    kind: z.enum(MEDIA_KINDS),
  })
  .superRefine((body, ctx) => {
    if (!ALLOWED_CONTENT_TYPES[body.kind].includes(body.contentType)) {
      ctx.addIssue({
        code: 'custom',
        path: ['contentType'],
        message: `not allowed for kind "${body.kind}"; allowed: ${ALLOWED_CONTENT_TYPES[body.kind].join(', ')}`,
      });
    }
  })
  .meta({ id: 'UploadIntentRequest' });
export type UploadIntentBody = z.infer<typeof uploadIntentBody>;

export const partUrlSchema = z.object({ partNumber: z.number().int(), url: z.string() }).meta({ id: 'PartUrl' });

export const uploadIntentSchema = z
  .object({
    mediaId: uuid,
    uploadId: z.string(),
    partSize: z.number().int(),
    parts: z.array(partUrlSchema),
    /** When the part URLs stop working; `GET /v1/media/:id/parts` gives fresh ones. */
    expiresAt: z.string(),
  })
  .meta({ id: 'UploadIntent' });

export const finalizeBody = z
  .strictObject({
    parts: z
      .array(z.strictObject({ partNumber: z.number().int().min(1).max(10_000), etag: z.string().min(1).max(200) }))
      .min(1)
      .max(10_000),
  })
  .meta({ id: 'FinalizeUploadRequest' });
export type FinalizeBody = z.infer<typeof finalizeBody>;

export const finalizeSchema = z.object({ id: uuid, status: z.enum(MEDIA_STATUSES) }).meta({ id: 'FinalizedUpload' });

export const uploadPartsSchema = z
  .object({
    uploaded: z.array(z.object({ partNumber: z.number().int(), etag: z.string(), sizeBytes: z.number().int() })),
    parts: z.array(partUrlSchema),
    expiresAt: z.string(),
  })
  .meta({ id: 'UploadParts' });

export const mediaVariantSchema = z
  .object({
    name: z.enum(VARIANT_NAMES),
    contentType: z.string(),
    width: z.number().int().optional(),
    height: z.number().int().optional(),
    sizeBytes: z.number().int().optional(),
  })
  .meta({ id: 'MediaVariant' });

export const mediaSchema = z
  .object({
    id: uuid,
    kind: z.enum(MEDIA_KINDS),
    status: z.enum(MEDIA_STATUSES),
    filename: z.string(),
    contentType: z.string(),
    sizeBytes: z.number().int(),
    ownerId: uuid,
    variants: z.array(mediaVariantSchema),
    /** Duration, width and height of videos; width and height of images. */
    metadata: z.record(z.string(), z.unknown()),
    failureReason: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Media' });

export const playbackQuery = z.strictObject({ variant: z.enum(VARIANT_NAMES).optional() }).meta({ id: 'PlaybackQuery' });

export const playbackSchema = z.object({ url: z.string(), expiresAt: z.string(), variant: z.enum(VARIANT_NAMES) }).meta({ id: 'PlaybackUrl' });
