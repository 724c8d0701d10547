import { z } from 'zod';

// Apart from storage.ts so that an app's config.ts, which main.ts loads before
// tracing starts, does not load the AWS SDK, one of the modules tracing patches.

/** Where media bytes live: any S3-compatible store, by configuration alone. */
export const storageConfigSchema = z.object({
  /** Empty means AWS itself; a URL for MinIO, Ceph, R2 or the local s3rver. */
  S3_ENDPOINT: z.url().optional(),
  /** The endpoint browsers and apps reach for presigned URLs, when it differs from S3_ENDPOINT (containers). */
  S3_PUBLIC_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/).default('coachline-media'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Local servers answer on one host name, not one per bucket. Defaults to true when an endpoint is set. */
  S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1')),
});
export type StorageConfig = z.infer<typeof storageConfigSchema>;
